// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using SessionKit.Internal;

namespace SessionKit;

/// <summary>Options of <see cref="OAuth2TokenClient"/>: an OAuth 2.0 / OpenID Connect token endpoint and the client's credentials.</summary>
public sealed class OAuth2Options
{
    /// <summary>Gets or sets the token endpoint, for example <c>https://login.example.com/connect/token</c>.</summary>
    /// <value>Required; no default. An absolute URL.</value>
    public Uri? TokenEndpoint { get; set; }

    /// <summary>Gets or sets the token revocation endpoint (RFC 7009) used on sign-out.</summary>
    /// <value>Defaults to <see langword="null"/>: sign-out is local only. An absolute URL when set.</value>
    public Uri? RevocationEndpoint { get; set; }

    /// <summary>Gets or sets the client id.</summary>
    /// <value>Required; no default.</value>
    public string? ClientId { get; set; }

    /// <summary>Gets or sets the client secret of a confidential client.</summary>
    /// <value>Defaults to <see langword="null"/> (a public client).</value>
    public string? ClientSecret { get; set; }

    /// <summary>Gets or sets how the client authenticates.</summary>
    /// <value>Defaults to <see cref="OAuth2ClientAuthentication.BasicHeader"/>.</value>
    public OAuth2ClientAuthentication ClientAuthentication { get; set; } = OAuth2ClientAuthentication.BasicHeader;

    /// <summary>Gets or sets the scope sent with the password grant, and with refreshes when <see cref="SendScopeOnRefresh"/> is set.</summary>
    /// <value>Defaults to <see langword="null"/>.</value>
    public string? Scope { get; set; }

    /// <summary>Gets or sets a value indicating whether <see cref="Scope"/> is sent on refresh (RFC 6749 §6 allows narrowing it).</summary>
    /// <value>Defaults to <see langword="false"/>: the refreshed token keeps the original scope.</value>
    public bool SendScopeOnRefresh { get; set; }

    /// <summary>
    /// Gets or sets how the server treats a second use of the same refresh token, which decides whether SessionKit resends it
    /// after an ambiguous failure (a timeout, a connection broken after sending, a success answer without a readable refresh token).
    /// </summary>
    /// <value>
    /// Defaults to <see cref="SessionKit.RefreshTokenReuse.Strict"/>: never resent after an ambiguous failure; the session is kept
    /// and the next refresh decides. Choose <see cref="SessionKit.RefreshTokenReuse.Leeway"/> for a server with a reuse grace
    /// period (OpenIddict), with <see cref="RefreshTokenReuseLeeway"/>.
    /// </value>
    public RefreshTokenReuse RefreshTokenReuse { get; set; } = RefreshTokenReuse.Strict;

    /// <summary>Gets or sets the server's reuse leeway: how long after its first use a refresh token is still accepted. Used with <see cref="SessionKit.RefreshTokenReuse.Leeway"/>.</summary>
    /// <value>Defaults to 30 seconds (OpenIddict's default). Set it to your server's value, never longer. From 1 second to 1 day.</value>
    public TimeSpan RefreshTokenReuseLeeway { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The valid values of <see cref="RefreshTokenReuseLeeway"/>.</summary>
    internal static readonly ValueRange<TimeSpan> RefreshTokenReuseLeewayRange = new(TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));

    /// <summary>Gets or sets the largest response body read from the server, in bytes. Larger bodies are treated as transient failures.</summary>
    /// <value>Defaults to 262,144 (256 KiB). From 1,024 (1 KiB) to 67,108,864 (64 MiB).</value>
    public int MaxResponseBodyBytes { get; set; } = 256 * 1024;

    /// <summary>The valid values of <see cref="MaxResponseBodyBytes"/>.</summary>
    internal static readonly ValueRange<int> MaxResponseBodyBytesRange = new(1024, 64 * 1024 * 1024);
}
