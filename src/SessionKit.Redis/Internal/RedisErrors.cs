// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Text;
using StackExchange.Redis;

namespace SessionKit.Redis.Internal;

/// <summary>Classifies StackExchange.Redis failures.</summary>
internal static class RedisErrors
{
    private static readonly string[] TransientServerErrors = ["LOADING", "READONLY", "MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN", "BUSY", "NOREPLICAS", "MISCONF", "UNBLOCKED"];

    /// <summary>
    /// Returns whether <paramref name="exception"/> means Redis is unreachable or not serving right now (a connection loss, a
    /// timeout, a restart still loading its data, a failover): a transient trouble that never signs anyone out.
    /// </summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        RedisConnectionException or RedisTimeoutException or TimeoutException => true,
        RedisServerException server => TransientServerErrors.Any(code => server.Message.StartsWith(code, StringComparison.Ordinal)),
        _ => false,
    };

    /// <summary>Returns whether the key holds a value of another Redis type than a hash.</summary>
    public static bool IsWrongType(Exception exception) =>
        exception is RedisServerException server && server.Message.StartsWith("WRONGTYPE", StringComparison.Ordinal);

    /// <summary>
    /// Returns <paramref name="exception"/>, or, when its text names a SessionKit key, a copy of it (same type and status,
    /// without its stack trace and data) with each key left out. StackExchange.Redis writes commands and their keys into its
    /// messages (a timeout's <c>next: HMGET &lt;prefix&gt;{user:42}</c>, which may even be another session's), and session keys
    /// are personal data: what goes to a log or into a <see cref="TokenStoreException"/> passes through here.
    /// </summary>
    /// <remarks>
    /// Every key of the store has the session key in braces (a Cluster hash tag), and the client separates the fields of its
    /// messages with <c>", "</c>: from each <c>{</c> to the next <c>"}, "</c> (or the end) is cut.
    /// </remarks>
    public static Exception WithoutKeys(Exception exception)
    {
        if (!NamesKey(exception))
        {
            return exception;
        }

        var message = CutKeys(exception.Message);
        var inner = exception.InnerException is { } cause ? WithoutKeys(cause) : null;
        return exception switch
        {
            RedisTimeoutException timeout => new RedisTimeoutException(timeout.Flags, message, timeout.Commandstatus),
            RedisConnectionException connection => new RedisConnectionException(connection.FailureType, connection.Flags, message, inner, connection.CommandStatus),
            RedisServerException server => new RedisServerException(server.Kind, server.Flags, message),
            TimeoutException => new TimeoutException(message, inner),
            _ => new RedisException(message, inner),
        };
    }

    /// <summary>The store's error for a Redis outage; <paramref name="cause"/> has passed through <see cref="WithoutKeys"/>.</summary>
    public static TokenStoreException Unavailable(string sessionKey, string redisKey, string operation, Exception cause) =>
        new(TokenStoreProblem.Unavailable, redisKey, null, $"Redis is unavailable ({operation}: {cause.GetType().Name}). The session is kept; retry later.", cause)
        {
            SessionKey = sessionKey,
        };

    private static bool NamesKey(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e.Message.Contains('{', StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static string CutKeys(string message)
    {
        var text = new StringBuilder(message.Length);
        var at = 0;
        for (var open = message.IndexOf('{', StringComparison.Ordinal); open >= 0; open = message.IndexOf('{', at))
        {
            var close = message.IndexOf("}, ", open, StringComparison.Ordinal);
            text.Append(message, at, open - at).Append("{…}");
            at = close < 0 ? message.Length : close + 1;
        }

        return text.Append(message, at, message.Length - at).ToString();
    }
}
