// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit;

/// <summary>Why a session ended.</summary>
public enum SessionEndReason
{
    /// <summary>The server reports the refresh token was already used (GoTrue <c>refresh_token_already_used</c>): reuse was detected and the token family is revoked.</summary>
    RefreshTokenAlreadyUsed = 1,

    /// <summary>The server does not know the refresh token (GoTrue <c>refresh_token_not_found</c>): the session was signed out elsewhere or deleted.</summary>
    RefreshTokenNotFound = 2,

    /// <summary>The server-side session expired (GoTrue <c>session_expired</c>: timebox, inactivity, low assurance level or a newer login).</summary>
    SessionExpired = 3,

    /// <summary>The server has no session for the refresh token (GoTrue <c>session_not_found</c>).</summary>
    SessionNotFound = 4,

    /// <summary>The user is banned (GoTrue <c>user_banned</c>).</summary>
    UserBanned = 5,

    /// <summary>The refresh token failed the server's format check (GoTrue <c>validation_failed</c>).</summary>
    InvalidRefreshToken = 6,

    /// <summary>The OAuth 2.0 server answered <c>invalid_grant</c>: the refresh token is expired, revoked, reused or otherwise invalid.</summary>
    InvalidGrant = 7,

    /// <summary>The application signed the session out.</summary>
    SignedOut = 8,

    /// <summary>
    /// The OAuth 2.0 server will renew the session only after the user signs in again interactively (OpenID Connect
    /// <c>interaction_required</c>, <c>login_required</c>, <c>consent_required</c> or <c>account_selection_required</c> on a
    /// refresh, as Microsoft Entra ID answers when a new MFA or consent requirement applies): the refresh token cannot be used on its own.
    /// </summary>
    InteractionRequired = 9,
}
