// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.Logging;

namespace SessionKit.AspNetCore.Internal;

/// <summary>
/// The log events of SessionKit.AspNetCore. Ids are fixed and never renumbered: 4xx, beside the core's 1xx handler, 2xx
/// refresh and 3xx stores. Session keys are passed already hashed unless the app turned hashing off.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(401, LogLevel.Information, "Signed the user of session '{SessionKey}' out: {Reason}.", EventName = "ForcedSignOut")]
    public static partial void ForcedSignOut(ILogger logger, string sessionKey, string reason);

    [LoggerMessage(402, LogLevel.Information, "Stored the session of a new sign-in under '{SessionKey}'.", EventName = "SignInStored")]
    public static partial void SignInStored(ILogger logger, string sessionKey);

    [LoggerMessage(403, LogLevel.Warning, "A signed-in user has no '{ClaimType}' claim: no session key can be derived; signing the cookie out.", EventName = "NoSubjectClaim")]
    public static partial void NoSubjectClaim(ILogger logger, string claimType);

    [LoggerMessage(404, LogLevel.Debug, "Moved the tokens of a sign-in out of the authentication properties into the store under '{SessionKey}'.", EventName = "TokensMovedToStore")]
    public static partial void TokensMovedToStore(ILogger logger, string sessionKey);

    [LoggerMessage(405, LogLevel.Warning, "The session store or the token server was unavailable for a request of session '{SessionKey}' ({ExceptionType}): answered 503, nobody signed out.", EventName = "TemporarilyUnavailable")]
    public static partial void TemporarilyUnavailable(ILogger logger, string sessionKey, string exceptionType);

    [LoggerMessage(406, LogLevel.Warning, "Signed the cookie of session '{SessionKey}' out, but the store could not record the sign-out ({ExceptionType}): the stored session stays until it expires or is refreshed and rejected.", EventName = "SignOutNotStored")]
    public static partial void SignOutNotStored(ILogger logger, string sessionKey, string exceptionType);
}
