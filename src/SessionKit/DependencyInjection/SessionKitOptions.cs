// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.Options;

namespace SessionKit;

/// <summary>Options of <c>AddSessionKit</c>: which token endpoint to use, and the resilience policy of refreshes.</summary>
/// <remarks>Configure exactly one server with <see cref="UseGoTrue"/> or <see cref="UseOAuth2"/>, or register your own <see cref="ITokenRefresher"/>.</remarks>
public sealed class SessionKitOptions
{
    /// <summary>Gets or sets the Supabase Auth (GoTrue) server options.</summary>
    /// <value>Defaults to <see langword="null"/>.</value>
    [ValidateObjectMembers]
    public GoTrueOptions? GoTrue { get; set; }

    /// <summary>Gets or sets the OAuth 2.0 token endpoint options.</summary>
    /// <value>Defaults to <see langword="null"/>.</value>
    [ValidateObjectMembers]
    public OAuth2Options? OAuth2 { get; set; }

    /// <summary>Gets the resilience policy around each token-endpoint call.</summary>
    /// <value>Defaults: 15 s per attempt, 3 retries of transient failures with jittered exponential backoff from 500 ms, 60 s in all.</value>
    [ValidateObjectMembers]
    public RefreshOptions Refresh { get; } = new();

    /// <summary>Uses a Supabase Auth (GoTrue) server.</summary>
    /// <param name="authUrl">The Auth base URL, for example <c>https://&lt;project-ref&gt;.supabase.co/auth/v1</c>.</param>
    /// <param name="apiKey">The project API key (the <c>apikey</c> header), or <see langword="null"/>.</param>
    /// <returns>These options, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="authUrl"/> is <see langword="null"/>.</exception>
    public SessionKitOptions UseGoTrue(Uri authUrl, string? apiKey = null)
    {
        ArgumentNullException.ThrowIfNull(authUrl);
        GoTrue = new GoTrueOptions { AuthUrl = authUrl, ApiKey = apiKey };
        return this;
    }

    /// <summary>Uses an OAuth 2.0 token endpoint.</summary>
    /// <param name="tokenEndpoint">The token endpoint URL.</param>
    /// <param name="clientId">The client id.</param>
    /// <param name="clientSecret">The client secret of a confidential client, or <see langword="null"/>.</param>
    /// <returns>These options, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tokenEndpoint"/> or <paramref name="clientId"/> is <see langword="null"/>.</exception>
    public SessionKitOptions UseOAuth2(Uri tokenEndpoint, string clientId, string? clientSecret = null)
    {
        ArgumentNullException.ThrowIfNull(tokenEndpoint);
        ArgumentNullException.ThrowIfNull(clientId);
        OAuth2 = new OAuth2Options { TokenEndpoint = tokenEndpoint, ClientId = clientId, ClientSecret = clientSecret };
        return this;
    }
}
