// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using SessionKit.Internal;

namespace SessionKit;

/// <summary>Options of <c>AddSessionKit</c>: which token endpoint to use, and the resilience policy of refreshes.</summary>
/// <remarks>
/// Configure exactly one server with <see cref="UseGoTrue"/> or <see cref="UseOAuth2"/>,
/// or register your own <see cref="ITokenRefresher"/>. Calling one of them again updates the same options; calling the other one
/// throws <see cref="InvalidOperationException"/> (and setting both <see cref="GoTrue"/> and <see cref="OAuth2"/> by hand fails at start).
/// </remarks>
public sealed class SessionKitOptions
{
    private GoTrueOptions? _goTrue;
    private OAuth2Options? _oauth2;

    // How the token-endpoint client is built, recorded by the setter of its options: the only code that refers to each factory,
    // so an app that never configures a server family keeps no client of it once trimmed (see TokenClientFactory).
    private Func<IServiceProvider, GoTrueOptions, ITokenRefresher>? _createGoTrueClient;
    private Func<IServiceProvider, OAuth2Options, ITokenRefresher>? _createOAuth2Client;

    /// <summary>Gets or sets the Supabase Auth (GoTrue) server options.</summary>
    /// <value>Defaults to <see langword="null"/>.</value>
    public GoTrueOptions? GoTrue
    {
        get => _goTrue;
        set
        {
            _goTrue = value;
            _createGoTrueClient = TokenClientFactory.GoTrue;
        }
    }

    /// <summary>Gets or sets the OAuth 2.0 token endpoint options.</summary>
    /// <value>Defaults to <see langword="null"/>.</value>
    public OAuth2Options? OAuth2
    {
        get => _oauth2;
        set
        {
            _oauth2 = value;
            _createOAuth2Client = TokenClientFactory.OAuth2;
        }
    }

    /// <summary>Gets the resilience policy around each token-endpoint call.</summary>
    /// <value>Defaults: 15 s per attempt, 3 retries of transient failures with jittered exponential backoff from 500 ms, 60 s in all.</value>
    public RefreshOptions Refresh { get; } = new();

    /// <summary>Gets or sets a value indicating whether SessionKit's logs show session keys as they are.</summary>
    /// <value>
    /// Defaults to <see langword="false"/>: every log event of every SessionKit package shows a short hash of the key
    /// (<c>k-3F2A9C1B7D6E</c>) in the message and in the structured <c>SessionKey</c> value, because keys are usually built
    /// from user ids, which are personal data. The same key always gives the same hash. Set to <see langword="true"/> in
    /// development to see raw keys.
    /// </value>
    /// <remarks>
    /// Components constructed by hand (not through <c>AddSessionKit</c>) always hash keys. Exception messages never name the key
    /// whatever this says; it is on <see cref="SessionKitException.SessionKey"/> for the app.
    /// </remarks>
    public bool LogSessionKeys { get; set; }

    /// <summary>Uses a Supabase Auth (GoTrue) server.</summary>
    /// <param name="authUrl">The Auth base URL, for example <c>https://&lt;project-ref&gt;.supabase.co/auth/v1</c>.</param>
    /// <param name="apiKey">The project API key (the <c>apikey</c> header), or <see langword="null"/>.</param>
    /// <returns>These options, for chaining.</returns>
    /// <remarks>
    /// A second call updates the same <see cref="GoTrue"/> options: <paramref name="authUrl"/> is replaced, <paramref name="apiKey"/>
    /// when it is not <see langword="null"/>, and every other setting is kept.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="authUrl"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><see cref="UseOAuth2"/> was called before: a client talks to one server.</exception>
    public SessionKitOptions UseGoTrue(Uri authUrl, string? apiKey = null)
    {
        ArgumentNullException.ThrowIfNull(authUrl);
        if (OAuth2 is not null)
        {
            throw new InvalidOperationException("SessionKit: UseGoTrue(...) after UseOAuth2(...); configure one token endpoint, GoTrue or OAuth2, not both.");
        }

        GoTrue ??= new GoTrueOptions();
        GoTrue.AuthUrl = authUrl;
        if (apiKey is not null)
        {
            GoTrue.ApiKey = apiKey;
        }

        return this;
    }

    /// <summary>Uses an OAuth 2.0 token endpoint, optionally configuring the rest of its options (scope, revocation endpoint, client authentication, ...).</summary>
    /// <param name="tokenEndpoint">The token endpoint URL.</param>
    /// <param name="clientId">The client id.</param>
    /// <param name="clientSecret">The client secret of a confidential client, or <see langword="null"/>.</param>
    /// <param name="configure">Configures the <see cref="OAuth2Options"/> after the arguments above are applied, for example
    /// <c>o =&gt; o.Scope = "openid offline_access"</c>; <see langword="null"/> for none.</param>
    /// <returns>These options, for chaining.</returns>
    /// <remarks>
    /// Repeated calls merge into the same <see cref="OAuth2"/> options: <paramref name="tokenEndpoint"/> and <paramref name="clientId"/>
    /// are replaced, <paramref name="clientSecret"/> when it is not <see langword="null"/>, every other setting made before is kept,
    /// and then <paramref name="configure"/> runs on that same object.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="tokenEndpoint"/> or <paramref name="clientId"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><see cref="UseGoTrue"/> was called before: a client talks to one server.</exception>
    public SessionKitOptions UseOAuth2(Uri tokenEndpoint, string clientId, string? clientSecret = null, Action<OAuth2Options>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(tokenEndpoint);
        ArgumentNullException.ThrowIfNull(clientId);
        if (GoTrue is not null)
        {
            throw new InvalidOperationException("SessionKit: UseOAuth2(...) after UseGoTrue(...); configure one token endpoint, GoTrue or OAuth2, not both.");
        }

        OAuth2 ??= new OAuth2Options();
        OAuth2.TokenEndpoint = tokenEndpoint;
        OAuth2.ClientId = clientId;
        if (clientSecret is not null)
        {
            OAuth2.ClientSecret = clientSecret;
        }

        configure?.Invoke(OAuth2);
        return this;
    }

    /// <summary>
    /// Builds the token-endpoint client these options name (<see cref="GoTrue"/> first), through the factory that setting them
    /// recorded; <c>AddSessionKit</c>'s <see cref="ITokenRefresher"/>.
    /// </summary>
    /// <param name="services">The container the client's <see cref="HttpClient"/>, <see cref="TimeProvider"/> and logger come from.</param>
    /// <returns>The client, or <see langword="null"/> when no token endpoint is configured.</returns>
    internal ITokenRefresher? CreateTokenClient(IServiceProvider services)
    {
        if (_goTrue is { } goTrue && _createGoTrueClient is { } createGoTrue)
        {
            return createGoTrue(services, goTrue);
        }

        return _oauth2 is { } oauth2 && _createOAuth2Client is { } createOAuth2 ? createOAuth2(services, oauth2) : null;
    }
}
