// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit;

/// <summary>How an OAuth 2.0 server treats a second use of the same refresh token; decides whether SessionKit may resend it after an ambiguous failure.</summary>
/// <remarks>
/// After an ambiguous failure (a timeout, a connection broken after the request was sent, a success answer without a readable
/// refresh token) the server may have rotated the token already, and resending it is a reuse. Declare what your server does
/// with a reuse; when unsure, keep <see cref="Strict"/>: it never costs a session, only the recovery of a lost answer.
/// </remarks>
public enum RefreshTokenReuse
{
    /// <summary>
    /// A second use is refused with <c>invalid_grant</c> and revokes the grant (Auth0, Okta and Duende IdentityServer without a
    /// grace period, Keycloak with "Revoke Refresh Token" and no reuse). SessionKit never resends after an ambiguous failure: it
    /// keeps the session, reports a transient <see cref="SessionRefreshException"/> and lets the next refresh decide.
    /// </summary>
    Strict = 0,

    /// <summary>
    /// A second use within <see cref="OAuth2Options.RefreshTokenReuseLeeway"/> of the first is accepted (OpenIddict: 30 s by
    /// default; Okta and Auth0 with a grace period). SessionKit resends after <see cref="RefreshOptions.SettleDelay"/>, never
    /// while the first request may still be in flight, and only if the resend still falls inside the leeway.
    /// </summary>
    Leeway = 1,

    /// <summary>
    /// A resend of the token just presented is always accepted (the server does not rotate refresh tokens, or does not detect
    /// reuse, such as Keycloak's default). SessionKit resends after the usual backoff.
    /// </summary>
    Always = 2,
}
