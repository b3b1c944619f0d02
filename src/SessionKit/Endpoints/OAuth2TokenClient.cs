// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SessionKit.Internal;

namespace SessionKit;

/// <summary>
/// Token endpoint client for OAuth 2.0 servers (RFC 6749 §6 refresh, §4.3 password grant, RFC 7009 revocation): form-encoded
/// bodies, client authentication by HTTP Basic or body.
/// </summary>
/// <remarks>
/// <para>
/// <c>invalid_grant</c> with 400, 401 or 403 (Auth0) is <see cref="RefreshOutcomeKind.Rejected"/> (many servers answer every refresh-token failure that way),
/// and so are OpenID Connect's <c>interaction_required</c>, <c>login_required</c>, <c>consent_required</c> and
/// <c>account_selection_required</c> (<see cref="SessionEndReason.InteractionRequired"/>);
/// <c>invalid_client</c>, <c>invalid_request</c>, <c>unauthorized_client</c>, <c>unsupported_grant_type</c> and <c>invalid_scope</c>
/// are configuration errors (<see cref="RefreshOutcomeKind.Faulted"/>, the session is kept); network failures, 408, 409, 429, 5xx,
/// <c>temporarily_unavailable</c>, <c>server_error</c> and unusable bodies are <see cref="RefreshOutcomeKind.Transient"/>.
/// </para>
/// <para>Thread-safe; register as a singleton. It does not own the <see cref="HttpClient"/> it is given.</para>
/// </remarks>
public sealed class OAuth2TokenClient : ITokenRefresher, IPasswordSignInClient, ISignOutClient
{
    private readonly Func<HttpClient> _httpClient;
    private readonly OAuth2Options _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly AuthenticationHeaderValue? _basic;

    /// <summary>Initializes a new instance of the <see cref="OAuth2TokenClient"/> class.</summary>
    /// <param name="httpClient">The client used for token calls. It must not carry a <see cref="SessionHandler"/>, and its handler must not follow redirects (<c>AllowAutoRedirect = false</c>): an answer from another origin is reported as <see cref="RefreshOutcomeKind.Faulted"/>, but the token was already re-posted there.</param>
    /// <param name="options">The endpoint and client credentials.</param>
    /// <param name="timeProvider">The clock used to compute expiry at receipt; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">The logger; none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="httpClient"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The token endpoint or client id is missing.</exception>
    public OAuth2TokenClient(HttpClient httpClient, OAuth2Options options, TimeProvider? timeProvider = null, ILogger<OAuth2TokenClient>? logger = null)
        : this(HttpClientSource.Fixed(httpClient), options, timeProvider, (ILogger?)logger)
    {
    }

    internal OAuth2TokenClient(Func<HttpClient> httpClient, OAuth2Options options, TimeProvider? timeProvider, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.TokenEndpoint is not { IsAbsoluteUri: true })
        {
            throw new ArgumentException("OAuth2Options.TokenEndpoint must be an absolute URL.", nameof(options));
        }

        if (string.IsNullOrEmpty(options.ClientId))
        {
            throw new ArgumentException("OAuth2Options.ClientId is required.", nameof(options));
        }

        _httpClient = httpClient;
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        if (options.ClientAuthentication == OAuth2ClientAuthentication.BasicHeader && !string.IsNullOrEmpty(options.ClientSecret))
        {
            // RFC 6749 §2.3.1: form-urlencode id and secret before Basic encoding.
            var credentials = Uri.EscapeDataString(options.ClientId) + ":" + Uri.EscapeDataString(options.ClientSecret);
            _basic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        }
    }

    /// <inheritdoc/>
    /// <value>From <see cref="OAuth2Options.RefreshTokenReuse"/>: <see cref="TimeSpan.Zero"/> for a strict server (the default), <see cref="OAuth2Options.RefreshTokenReuseLeeway"/> for a leeway, <see cref="Timeout.InfiniteTimeSpan"/> for <see cref="RefreshTokenReuse.Always"/>.</value>
    public TimeSpan RefreshTokenReuseWindow => _options.RefreshTokenReuse switch
    {
        RefreshTokenReuse.Always => Timeout.InfiniteTimeSpan,
        RefreshTokenReuse.Leeway => _options.RefreshTokenReuseLeeway,
        _ => TimeSpan.Zero,
    };

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="session"/> is <see langword="null"/>.</exception>
    public async Task<RefreshOutcome> RefreshAsync(Session session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (string.IsNullOrEmpty(session.RefreshToken))
        {
            return RefreshOutcome.Faulted("the session has no refresh token", null, null);
        }

        var form = new List<KeyValuePair<string, string>>(5)
        {
            new("grant_type", "refresh_token"),
            new("refresh_token", session.RefreshToken),
        };
        if (_options.SendScopeOnRefresh && !string.IsNullOrEmpty(_options.Scope))
        {
            form.Add(new("scope", _options.Scope));
        }

        using var request = CreateRequest(_options.TokenEndpoint!, form);
        var (response, failure) = await EndpointResponse.SendAsync(_httpClient(), request, _options.MaxResponseBodyBytes, _timeProvider, cancellationToken).ConfigureAwait(false);
        return failure ?? Classify(response!, session, _options.ClientSecret);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="userName"/> or <paramref name="password"/> is null or empty.</exception>
    public async Task<Session> SignInWithPasswordAsync(string userName, string password, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userName);
        ArgumentException.ThrowIfNullOrEmpty(password);
        var form = new List<KeyValuePair<string, string>>(5)
        {
            new("grant_type", "password"),
            new("username", userName),
            new("password", password),
        };
        if (!string.IsNullOrEmpty(_options.Scope))
        {
            form.Add(new("scope", _options.Scope));
        }

        using var request = CreateRequest(_options.TokenEndpoint!, form);
        var (response, failure) = await EndpointResponse.SendAsync(_httpClient(), request, _options.MaxResponseBodyBytes, _timeProvider, cancellationToken).ConfigureAwait(false);
        return SignInResults.ToSession(response, failure, requireJwt: false, [password, _options.ClientSecret]);
    }

    /// <inheritdoc/>
    /// <remarks>Revokes the refresh token at <see cref="OAuth2Options.RevocationEndpoint"/>; returns <see langword="false"/> when none is configured.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="session"/> is <see langword="null"/>.</exception>
    public async Task<bool> SignOutAsync(Session session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (_options.RevocationEndpoint is null)
        {
            return false;
        }

        var (token, hint) = session.RefreshToken is { Length: > 0 } rt ? (rt, "refresh_token") : (session.AccessToken, "access_token");
        using var request = CreateRequest(_options.RevocationEndpoint, [new("token", token), new("token_type_hint", hint)]);
        var (response, failure) = await EndpointResponse.SendAsync(_httpClient(), request, _options.MaxResponseBodyBytes, _timeProvider, cancellationToken).ConfigureAwait(false);
        var confirmed = response is { IsSuccess: true };
        if (!confirmed)
        {
            Log.ServerSignOutFailed(_logger, response?.Status, failure?.Description);
        }

        return confirmed;
    }

    /// <summary>Classifies an OAuth 2.0 token endpoint answer to a refresh.</summary>
    /// <param name="response">The answer.</param>
    /// <param name="sent">The session whose refresh token was sent: its tokens are redacted from the server's text, and its access token stands in when a rotated answer carries no usable one.</param>
    /// <param name="clientSecret">The client secret, also redacted from the server's text.</param>
    internal static RefreshOutcome Classify(EndpointResponse response, Session? sent = null, string? clientSecret = null)
    {
        var status = response.Status;
        if (response.IsSuccess)
        {
            return TokenResponse.ToOutcome(response, requireJwt: false, sent);
        }

        var error = ErrorBody.Parse(response.Body, versionedShape: false, codeHeader: null);
        var message = SafeText.RedactThenCap(error.Message, [sent?.RefreshToken, sent?.AccessToken, clientSecret]);
        var code = error.OAuthError;
        // RFC 6749 §5.2 says 400, but the code is what counts: Auth0 answers a revoked or reused refresh token with 403.
        if (status is 400 or 401 or 403 && code == "invalid_grant")
        {
            return RefreshOutcome.Rejected(SessionEndReason.InvalidGrant, code, status, message);
        }

        // OpenID Connect's "the user must sign in again" codes, which Microsoft Entra ID also answers on a refresh (a new MFA or
        // consent requirement): the refresh token is of no use on its own, so the session ends with a reason the app can act on.
        if (status is 400 or 401 or 403 && code is "interaction_required" or "login_required" or "consent_required" or "account_selection_required")
        {
            return RefreshOutcome.Rejected(SessionEndReason.InteractionRequired, code, status, message);
        }

        if (code is "temporarily_unavailable" or "server_error" || TransientStatus.Is(status) || status < 400)
        {
            return RefreshOutcome.Transient(error.IsJson ? message ?? "server error" : "non-JSON answer from the server or a gateway", status, retryAfter: response.RetryAfter, errorCode: code);
        }

        return RefreshOutcome.Faulted(error.IsJson ? message ?? "request refused" : "non-JSON answer from the server or a gateway", status, code);
    }

    private HttpRequestMessage CreateRequest(Uri uri, List<KeyValuePair<string, string>> form)
    {
        if (_basic is null)
        {
            form.Add(new("client_id", _options.ClientId!));
            if (_options.ClientAuthentication == OAuth2ClientAuthentication.RequestBody && !string.IsNullOrEmpty(_options.ClientSecret))
            {
                form.Add(new("client_secret", _options.ClientSecret));
            }
        }

        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Authorization = _basic;
        return request;
    }
}
