// Copyright (c) SessionKit contributors. Licensed under the MIT License.

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

    public static TokenStoreException Unavailable(string sessionKey, string redisKey, string operation, Exception cause) =>
        new(TokenStoreProblem.Unavailable, redisKey, null, $"Redis is unavailable ({operation}: {cause.GetType().Name}). The session is kept; retry later.", cause)
        {
            SessionKey = sessionKey,
        };
}
