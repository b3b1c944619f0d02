// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.Logging;

namespace SessionKit.Internal;

/// <summary>
/// Every log event SessionKit writes. Ids are fixed and never renumbered: 1xx handler, 2xx refresh, 3xx stores and endpoints.
/// No token is ever a parameter; tokens are correlated by <see cref="TokenFingerprint"/> at Trace level only.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(101, LogLevel.Debug, "No session stored under '{SessionKey}'; the request fails with a typed exception.", EventName = "NoSession")]
    public static partial void NoSession(ILogger logger, string sessionKey);

    [LoggerMessage(102, LogLevel.Debug, "Session '{SessionKey}' (version {Version}) expires within the margin; refreshing before sending.", EventName = "ProactiveRefresh")]
    public static partial void ProactiveRefresh(ILogger logger, string sessionKey, long version);

    [LoggerMessage(103, LogLevel.Information, "Request got 401 with session '{SessionKey}' (version {Version}); refreshing and retrying once.", EventName = "UnauthorizedRetry")]
    public static partial void UnauthorizedRetry(ILogger logger, string sessionKey, long version);

    [LoggerMessage(104, LogLevel.Warning, "Retried request got 401 again with session '{SessionKey}' (version {Version}); returning it to the caller.", EventName = "UnauthorizedAfterRetry")]
    public static partial void UnauthorizedAfterRetry(ILogger logger, string sessionKey, long version);

    [LoggerMessage(105, LogLevel.Warning, "Request got 401 but its content cannot be sent twice; returning the 401 without refreshing.", EventName = "NotRetriable")]
    public static partial void NotRetriable(ILogger logger);

    [LoggerMessage(106, LogLevel.Warning, "Proactive refresh of session '{SessionKey}' failed; the access token is still valid, sending with it.", EventName = "ProactiveRefreshFailed")]
    public static partial void ProactiveRefreshFailed(ILogger logger, string sessionKey, Exception exception);

    [LoggerMessage(107, LogLevel.Trace, "Not attaching a token to a request for origin {Origin}: not an allowed origin.", EventName = "OriginNotAllowed")]
    public static partial void OriginNotAllowed(ILogger logger, string origin);

    [LoggerMessage(108, LogLevel.Debug, "Following a {StatusCode} redirect from {FromOrigin} to {ToOrigin} (hop {Hop}); the target origin is allowed: {Allowed}.", EventName = "RedirectFollowed")]
    public static partial void RedirectFollowed(ILogger logger, int statusCode, string fromOrigin, string toOrigin, int hop, bool allowed);

    [LoggerMessage(109, LogLevel.Warning, "A request was redirected more than {MaxRedirects} times; returning the last redirect to the caller.", EventName = "RedirectLimitReached")]
    public static partial void RedirectLimitReached(ILogger logger, int maxRedirects);

    [LoggerMessage(110, LogLevel.Debug, "Request got 401 with session '{SessionKey}' but its challenge is not about the token (error {ChallengeError}); returning it without refreshing.", EventName = "UnauthorizedNotTokenProblem")]
    public static partial void UnauthorizedNotTokenProblem(ILogger logger, string sessionKey, string? challengeError);

    [LoggerMessage(111, LogLevel.Warning, "Request got 401 after a handler below SessionHandler followed a redirect (and dropped the token); returning it without refreshing. Turn off AllowAutoRedirect on the inner handler so SessionKit follows redirects itself.", EventName = "UnauthorizedAfterInnerRedirect")]
    public static partial void UnauthorizedAfterInnerRedirect(ILogger logger);

    [LoggerMessage(112, LogLevel.Trace, "The request to {Origin} carries the caller's own Authorization header; leaving it alone.", EventName = "CallerAuthorization")]
    public static partial void CallerAuthorization(ILogger logger, string origin);

    [LoggerMessage(201, LogLevel.Debug, "Refreshing session '{SessionKey}' (version {Version}).", EventName = "RefreshStarting")]
    public static partial void RefreshStarting(ILogger logger, string sessionKey, long version);

    [LoggerMessage(202, LogLevel.Trace, "Refreshing session '{SessionKey}' with refresh token {TokenFingerprint}.", EventName = "RefreshTokenFingerprint")]
    public static partial void RefreshTokenFingerprint(ILogger logger, string sessionKey, string tokenFingerprint);

    [LoggerMessage(203, LogLevel.Debug, "Session '{SessionKey}' was already refreshed (stored version {Version}); no call to the token endpoint.", EventName = "RefreshNotNeeded")]
    public static partial void RefreshNotNeeded(ILogger logger, string sessionKey, long version);

    [LoggerMessage(204, LogLevel.Information, "Session '{SessionKey}' refreshed to version {Version}.", EventName = "RefreshSucceeded")]
    public static partial void RefreshSucceeded(ILogger logger, string sessionKey, long version);

    [LoggerMessage(205, LogLevel.Warning, "Refresh of session '{SessionKey}' failed transiently (attempt {Attempt}, status {StatusCode}): {Description}. Retrying with the same refresh token.", EventName = "RefreshRetrying")]
    public static partial void RefreshRetrying(ILogger logger, string sessionKey, int attempt, int? statusCode, string? description);

    [LoggerMessage(206, LogLevel.Warning, "The server rejected the refresh token of session '{SessionKey}': {Reason} (code {ErrorCode}).", EventName = "RefreshRejected")]
    public static partial void RefreshRejected(ILogger logger, string sessionKey, SessionEndReason reason, string? errorCode);

    [LoggerMessage(207, LogLevel.Information, "Session '{SessionKey}' was rotated by another holder (stored version {Version}); adopting it instead of signing out.", EventName = "RefreshAdopted")]
    public static partial void RefreshAdopted(ILogger logger, string sessionKey, long version);

    [LoggerMessage(208, LogLevel.Warning, "Session '{SessionKey}' ended: {Reason} (code {ErrorCode}): {Description}.", EventName = "SessionEnded")]
    public static partial void SessionEnded(ILogger logger, string sessionKey, SessionEndReason reason, string? errorCode, string? description);

    [LoggerMessage(209, LogLevel.Error, "The token endpoint refused the refresh of session '{SessionKey}' (status {StatusCode}, code {ErrorCode}): {Description}. This points at a configuration error; the session is kept.", EventName = "RefreshFaulted")]
    public static partial void RefreshFaulted(ILogger logger, string sessionKey, int? statusCode, string? errorCode, string? description);

    [LoggerMessage(210, LogLevel.Warning, "Refresh of session '{SessionKey}' failed transiently after all attempts (status {StatusCode}): {Description}. The session is kept.", EventName = "RefreshFailed")]
    public static partial void RefreshFailed(ILogger logger, string sessionKey, int? statusCode, string? description);

    [LoggerMessage(211, LogLevel.Error, "A handler of the {EventName} event threw.", EventName = "EventHandlerFailed")]
    public static partial void EventHandlerFailed(ILogger logger, string eventName, Exception exception);

    [LoggerMessage(212, LogLevel.Information, "Session '{SessionKey}' changed while refreshing (stored version {Version}); using the stored session.", EventName = "RefreshLostRace")]
    public static partial void RefreshLostRace(ILogger logger, string sessionKey, long version);

    [LoggerMessage(213, LogLevel.Warning, "Session '{SessionKey}' (version {Version}) was refreshed moments ago and is still valid; not refreshing it again (storm guard).", EventName = "RefreshSuppressed")]
    public static partial void RefreshSuppressed(ILogger logger, string sessionKey, long version);

    [LoggerMessage(214, LogLevel.Error, "The token endpoint kept failing: refreshes are paused for {BreakDuration}. Sessions are kept.", EventName = "CircuitOpened")]
    public static partial void CircuitOpened(ILogger logger, TimeSpan breakDuration);

    [LoggerMessage(220, LogLevel.Warning, "The token endpoint refreshed session '{SessionKey}' with an odd answer: {Description}. The rotated session is stored.", EventName = "RefreshAnswerOdd")]
    public static partial void RefreshAnswerOdd(ILogger logger, string sessionKey, string? description);

    [LoggerMessage(221, LogLevel.Warning, "Refresh of session '{SessionKey}' failed ambiguously: the request may have reached the server. Not sending the same refresh token again (the server forgives a reuse for {ReuseWindow}); the session is kept.", EventName = "RefreshNotResent")]
    public static partial void RefreshNotResent(ILogger logger, string sessionKey, TimeSpan reuseWindow);

    [LoggerMessage(301, LogLevel.Information, "Session '{SessionKey}' stored (version {Version}).", EventName = "SessionStored")]
    public static partial void SessionStored(ILogger logger, string sessionKey, long version);

    [LoggerMessage(303, LogLevel.Error, "The session store '{FilePath}' is unusable ({Problem}); kept aside at '{KeptAsidePath}'.", EventName = "StoreFileUnusable")]
    public static partial void StoreFileUnusable(ILogger logger, string filePath, TokenStoreProblem problem, string? keptAsidePath);

    // 350-369 are reserved for SessionKit.Redis (src/SessionKit.Redis/Internal/RedisLog.cs).
    [LoggerMessage(302, LogLevel.Warning, "Server-side sign-out failed (status {StatusCode}): {Description}. The local session is removed anyway.", EventName = "ServerSignOutFailed")]
    public static partial void ServerSignOutFailed(ILogger logger, int? statusCode, string? description);

    [LoggerMessage(310, LogLevel.Warning, "The session store '{FilePath}' could not be written; the rotated session (version {Version}) is kept in memory and written at the next change or read.", EventName = "StoreWriteDeferred")]
    public static partial void StoreWriteDeferred(ILogger logger, string filePath, long version);

    [LoggerMessage(230, LogLevel.Information, "The token endpoint recovered: the circuit closed and refreshes flow again.", EventName = "CircuitClosed")]
    public static partial void CircuitClosed(ILogger logger);

    [LoggerMessage(231, LogLevel.Information, "The circuit is half-open: the next refresh probes the token endpoint.", EventName = "CircuitHalfOpened")]
    public static partial void CircuitHalfOpened(ILogger logger);

    [LoggerMessage(232, LogLevel.Warning, "A refresh attempt of session '{SessionKey}' got no answer within {AttemptTimeout}.", EventName = "RefreshAttemptTimedOut")]
    public static partial void RefreshAttemptTimedOut(ILogger logger, string sessionKey, TimeSpan attemptTimeout);

    [LoggerMessage(240, LogLevel.Information, "Session '{SessionKey}' was signed in again (stored version {Version}) while a sign-out was under way; the new sign-in is kept.", EventName = "SignOutSkippedNewSignIn")]
    public static partial void SignOutSkippedNewSignIn(ILogger logger, string sessionKey, long version);
}
