// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Testing;

/// <summary>What an <see cref="OAuth2TestServer"/> does when a refresh token is presented a second time.</summary>
public enum OAuth2ReuseMode
{
    /// <summary>
    /// A strict OAuth 2.0 / OIDC server (no grace): the second use gets <c>invalid_grant</c> and revokes the whole grant at once,
    /// every refresh and access token it issued included. Two concurrent refreshes with one token end the session.
    /// </summary>
    Strict = 0,

    /// <summary>
    /// A server with a reuse leeway (OpenIddict, 30 s by default): a second use within <see cref="OAuth2TestServerOptions.ReuseLeeway"/>
    /// of the first yields a new branch of the grant; after it, <c>invalid_grant</c> and the whole grant is revoked.
    /// </summary>
    Leeway = 1,
}
