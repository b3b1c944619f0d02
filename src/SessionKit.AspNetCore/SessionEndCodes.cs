// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.AspNetCore;

/// <summary>
/// The machine-readable reason codes SessionKit sends with a forced sign-out: in the <c>reason</c> query parameter of the
/// redirect to the sign-in page, in the <c>reason</c> field of a 401 JSON body, and in the <see cref="HeaderName"/> header.
/// </summary>
public static class SessionEndCodes
{
    /// <summary>The response header that carries the reason code of a 401 or a redirect.</summary>
    public const string HeaderName = "X-Session-Ended";

    /// <summary>The refresh token was used twice: reuse was detected and the server revoked the session.</summary>
    public const string RefreshTokenAlreadyUsed = "refresh_token_already_used";

    /// <summary>The server does not know the refresh token: signed out elsewhere or deleted.</summary>
    public const string RefreshTokenNotFound = "refresh_token_not_found";

    /// <summary>The server-side session expired.</summary>
    public const string SessionExpired = "session_expired";

    /// <summary>The server has no session for the refresh token.</summary>
    public const string SessionNotFound = "session_not_found";

    /// <summary>The user is banned.</summary>
    public const string UserBanned = "user_banned";

    /// <summary>The refresh token failed the server's format check.</summary>
    public const string InvalidRefreshToken = "invalid_refresh_token";

    /// <summary>The OAuth 2.0 server answered <c>invalid_grant</c>.</summary>
    public const string InvalidGrant = "invalid_grant";

    /// <summary>The server renews the session only after the user signs in again interactively (a new MFA or consent requirement).</summary>
    public const string InteractionRequired = "interaction_required";

    /// <summary>The session was signed out (in another tab, browser or instance).</summary>
    public const string SignedOut = "signed_out";

    /// <summary>The cookie is valid but the store holds neither a session nor an end for it (an in-memory store restarted, or the end was evicted).</summary>
    public const string SessionMissing = "session_missing";

    /// <summary>The signed-in principal has no subject claim, so no session key can be derived.</summary>
    public const string InvalidUser = "invalid_user";

    /// <summary>The request has no signed-in user (no cookie, an expired or tampered one).</summary>
    public const string NotSignedIn = "not_signed_in";

    /// <summary>Returns the code of <paramref name="reason"/>.</summary>
    /// <param name="reason">Why the session ended.</param>
    /// <returns>The code, one of the constants of this class.</returns>
    public static string FromReason(SessionEndReason reason) => reason switch
    {
        SessionEndReason.RefreshTokenAlreadyUsed => RefreshTokenAlreadyUsed,
        SessionEndReason.RefreshTokenNotFound => RefreshTokenNotFound,
        SessionEndReason.SessionExpired => SessionExpired,
        SessionEndReason.SessionNotFound => SessionNotFound,
        SessionEndReason.UserBanned => UserBanned,
        SessionEndReason.InvalidRefreshToken => InvalidRefreshToken,
        SessionEndReason.InvalidGrant => InvalidGrant,
        SessionEndReason.InteractionRequired => InteractionRequired,
        _ => SignedOut,
    };
}
