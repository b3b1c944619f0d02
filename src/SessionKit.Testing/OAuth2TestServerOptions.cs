// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Testing;

/// <summary>Configuration of an <see cref="OAuth2TestServer"/>.</summary>
public sealed class OAuth2TestServerOptions
{
    /// <summary>Gets or sets what a second use of a refresh token does.</summary>
    /// <value>Defaults to <see cref="OAuth2ReuseMode.Strict"/>.</value>
    public OAuth2ReuseMode ReuseMode { get; set; } = OAuth2ReuseMode.Strict;

    /// <summary>Gets or sets how long after its first use a refresh token may be used again (<see cref="OAuth2ReuseMode.Leeway"/> only).</summary>
    /// <value>Defaults to 30 seconds, as OpenIddict.</value>
    public TimeSpan ReuseLeeway { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the access-token lifetime, and so <c>expires_in</c>.</summary>
    /// <value>Defaults to one hour.</value>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets how long a refresh token stays usable after it was issued.</summary>
    /// <value>Defaults to <see langword="null"/> (no limit).</value>
    public TimeSpan? RefreshTokenLifetime { get; set; }

    /// <summary>Gets or sets the client id the token and revocation endpoints accept.</summary>
    /// <value>Defaults to <c>test-client</c>.</value>
    public string ClientId { get; set; } = "test-client";

    /// <summary>Gets or sets the client secret; the client authenticates with HTTP Basic or in the form body (RFC 6749 §2.3.1).</summary>
    /// <value>Defaults to <see langword="null"/>: a public client that sends only <c>client_id</c>.</value>
    public string? ClientSecret { get; set; }

    /// <summary>Gets or sets a value indicating whether token responses carry an OpenID Connect <c>id_token</c> (a signed JWT with <c>sub</c>, <c>iss</c>, <c>aud</c>).</summary>
    /// <value>Defaults to <see langword="false"/>. Access tokens are opaque either way.</value>
    public bool IssueIdToken { get; set; }

    /// <summary>Gets or sets the server's clock (token expiry, reuse leeway, refresh-token lifetime).</summary>
    /// <value>Defaults to <see cref="TimeProvider.System"/>; a <c>FakeTimeProvider</c> makes leeway and expiry tests deterministic.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
