// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.Logging;

namespace SessionKit.Redis.Internal;

/// <summary>
/// The log events of the Redis store. Ids 350-369 are reserved for it in the 3xx (stores) range of <c>SessionKit</c>'s log
/// and never renumbered. No token is ever a parameter.
/// </summary>
internal static partial class RedisLog
{
    [LoggerMessage(350, LogLevel.Warning, "Redis is unavailable for session '{SessionKey}' ({Operation}); the session is kept and callers get a transient error.", EventName = "RedisUnavailable")]
    public static partial void Unavailable(ILogger logger, string sessionKey, string operation, Exception exception);

    [LoggerMessage(351, LogLevel.Error, "The Redis entry of session '{SessionKey}' is unusable ({Problem}: {Why}); kept aside under '{KeptAsideKey}'.", EventName = "RedisEntryUnusable")]
    public static partial void EntryUnusable(ILogger logger, string sessionKey, TokenStoreProblem problem, string why, string? keptAsideKey);

    [LoggerMessage(352, LogLevel.Warning, "The refresh lock of session '{SessionKey}' was lost (its lease lapsed and another instance took it); this instance's write after the refresh is fenced off.", EventName = "RedisLeaseLost")]
    public static partial void LeaseLost(ILogger logger, string sessionKey);

    [LoggerMessage(353, LogLevel.Warning, "The write of session '{SessionKey}' was refused by the fence: another instance holds its refresh lock now.", EventName = "RedisWriteFenced")]
    public static partial void WriteFenced(ILogger logger, string sessionKey);

    [LoggerMessage(354, LogLevel.Error, "The rotated session '{SessionKey}' (version {Version}) could not be stored: Redis stayed unavailable. The stored session keeps its parent refresh token, which the next refresh sends again.", EventName = "RedisRotatedSessionNotStored")]
    public static partial void RotatedSessionNotStored(ILogger logger, string sessionKey, long version, Exception exception);

    [LoggerMessage(355, LogLevel.Debug, "Waiting for the refresh lock of session '{SessionKey}', held by another instance.", EventName = "RedisLockWaiting")]
    public static partial void LockWaiting(ILogger logger, string sessionKey);

    [LoggerMessage(356, LogLevel.Warning, "Could not release or renew the refresh lock of session '{SessionKey}'; its lease lapses by itself.", EventName = "RedisLockCleanupFailed")]
    public static partial void LockCleanupFailed(ILogger logger, string sessionKey, Exception exception);

    [LoggerMessage(357, LogLevel.Warning, "Could not subscribe to the store's Redis channel; lock waiters poll until the subscription is back.", EventName = "RedisSubscribeFailed")]
    public static partial void SubscribeFailed(ILogger logger, Exception exception);
}
