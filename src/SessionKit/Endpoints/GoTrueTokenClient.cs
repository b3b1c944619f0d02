// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SessionKit.Internal;

namespace SessionKit;

/// <summary>
/// Token endpoint client for Supabase Auth (GoTrue): the refresh grant (<c>POST {auth}/token?grant_type=refresh_token</c>, JSON body,
/// <c>apikey</c> header, <c>X-Supabase-Api-Version: 2024-01-01</c>), the password grant and <c>/logout</c>.
/// </summary>
/// <remarks>
/// <para>
/// Every answer is classified as the GoTrue refresh spec prescribes: the codes <c>refresh_token_already_used</c>,
/// <c>refresh_token_not_found</c>, <c>session_expired</c>, <c>session_not_found</c>, <c>user_banned</c> and
/// <c>validation_failed</c> (and, from older servers, <c>invalid_grant</c> or any 400 whose message starts with
/// "Invalid Refresh Token") are <see cref="RefreshOutcomeKind.Rejected"/>; network failures, 408, 409, 429, 5xx,
/// redirects, gateway pages and unusable bodies are <see cref="RefreshOutcomeKind.Transient"/>; <c>bad_json</c>,
/// <c>invalid_credentials</c>, <c>invalid_client</c>, 401/403 from a gateway and any other 4xx are <see cref="RefreshOutcomeKind.Faulted"/>.
/// </para>
/// <para>Thread-safe; register as a singleton. It does not own the <see cref="HttpClient"/> it is given.</para>
/// </remarks>
public sealed class GoTrueTokenClient : ITokenRefresher, IPasswordSignInClient, ISignOutClient, ISignOutWithAccessToken
{
    private const string ApiVersion = "2024-01-01";
    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json") { CharSet = "utf-8" };

    private readonly Func<HttpClient> _httpClient;
    private readonly GoTrueOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Uri _tokenRefreshUri;
    private readonly Uri _tokenPasswordUri;
    private readonly Uri _logoutUri;

    /// <summary>Initializes a new instance of the <see cref="GoTrueTokenClient"/> class.</summary>
    /// <param name="httpClient">The client used for token calls. It must not carry a <see cref="SessionHandler"/>, and its handler must not follow redirects (<c>AllowAutoRedirect = false</c>): an answer from another origin is reported as <see cref="RefreshOutcomeKind.Faulted"/>, but the token was already re-posted there.</param>
    /// <param name="options">Where the server is; <see cref="GoTrueOptions.AuthUrl"/> is required.</param>
    /// <param name="timeProvider">The clock used to compute expiry at receipt; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">The logger; none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="httpClient"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><see cref="GoTrueOptions.AuthUrl"/> is missing or not absolute.</exception>
    public GoTrueTokenClient(HttpClient httpClient, GoTrueOptions options, TimeProvider? timeProvider = null, ILogger<GoTrueTokenClient>? logger = null)
        : this(HttpClientSource.Fixed(httpClient), options, timeProvider, (ILogger?)logger)
    {
    }

    internal GoTrueTokenClient(Func<HttpClient> httpClient, GoTrueOptions options, TimeProvider? timeProvider, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.AuthUrl is not { IsAbsoluteUri: true } authUrl)
        {
            throw new ArgumentException("GoTrueOptions.AuthUrl must be an absolute URL.", nameof(options));
        }

        _httpClient = httpClient;
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        var baseUrl = authUrl.AbsoluteUri.TrimEnd('/');
        _tokenRefreshUri = new Uri(baseUrl + "/token?grant_type=refresh_token");
        _tokenPasswordUri = new Uri(baseUrl + "/token?grant_type=password");
        _logoutUri = new Uri(baseUrl + "/logout?scope=" + options.SignOutScope.ToString().ToLowerInvariant());
    }

    /// <inheritdoc/>
    /// <value>
    /// <see cref="Timeout.InfiniteTimeSpan"/>: GoTrue's parent rule accepts a resend of the refresh token it just rotated (answering
    /// with the active session), so a lost answer is recovered by resending after the usual backoff.
    /// </value>
    public TimeSpan RefreshTokenReuseWindow => Timeout.InfiniteTimeSpan;

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="session"/> is <see langword="null"/>.</exception>
    public async Task<RefreshOutcome> RefreshAsync(Session session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (string.IsNullOrEmpty(session.RefreshToken))
        {
            return RefreshOutcome.Faulted("the session has no refresh token", null, null);
        }

        using var request = CreateRequest(_tokenRefreshUri, writer => writer.WriteString("refresh_token", session.RefreshToken));
        var (response, failure) = await EndpointResponse.SendAsync(_httpClient(), request, _options.MaxResponseBodyBytes, _timeProvider, cancellationToken).ConfigureAwait(false);
        return failure ?? Classify(response!, session);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="userName"/> or <paramref name="password"/> is null or empty.</exception>
    public async Task<Session> SignInWithPasswordAsync(string userName, string password, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userName);
        ArgumentException.ThrowIfNullOrEmpty(password);
        using var request = CreateRequest(_tokenPasswordUri, writer =>
        {
            writer.WriteString(userName.Contains('@', StringComparison.Ordinal) ? "email" : "phone", userName);
            writer.WriteString("password", password);
        });
        var (response, failure) = await EndpointResponse.SendAsync(_httpClient(), request, _options.MaxResponseBodyBytes, _timeProvider, cancellationToken).ConfigureAwait(false);
        return SignInResults.ToSession(response, failure, requireJwt: true, [password]);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="session"/> is <see langword="null"/>.</exception>
    public async Task<bool> SignOutAsync(Session session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        using var request = new HttpRequestMessage(HttpMethod.Post, _logoutUri);
        AddHeaders(request);
        request.Headers.Authorization = session.Authorization;
        var (response, failure) = await EndpointResponse.SendAsync(_httpClient(), request, _options.MaxResponseBodyBytes, _timeProvider, cancellationToken).ConfigureAwait(false);
        var confirmed = response is { IsSuccess: true } || response?.Status == 404;
        if (!confirmed)
        {
            Log.ServerSignOutFailed(_logger, response?.Status, failure?.Description);
        }

        return confirmed;
    }

    /// <summary>Classifies a GoTrue answer to the refresh grant.</summary>
    /// <param name="response">The answer.</param>
    /// <param name="sent">The session whose refresh token was sent: its tokens are redacted from the server's text, and its access token stands in when a rotated answer carries no usable one.</param>
    internal static RefreshOutcome Classify(EndpointResponse response, Session? sent = null)
    {
        var status = response.Status;
        if (response.IsSuccess)
        {
            return TokenResponse.ToOutcome(response, requireJwt: true, sent);
        }

        var error = ErrorBody.Parse(response.Body, response.VersionedErrorShape, response.ErrorCodeHeader);
        var message = SafeText.RedactThenCap(error.Message, [sent?.RefreshToken, sent?.AccessToken]);
        if (status == 400 && RejectionReason(error) is { } reason)
        {
            return RefreshOutcome.Rejected(reason, error.Code ?? error.OAuthError, status, message);
        }

        return TransientStatus.Is(status) || status < 400
            ? RefreshOutcome.Transient(
                error.IsJson ? message ?? "server error" : "non-JSON answer from the server or a gateway", status, retryAfter: response.RetryAfter, errorCode: error.Code)
            : RefreshOutcome.Faulted(
                error.IsJson ? (message ?? "request refused") : "non-JSON answer from the server or a gateway", status, error.Code ?? error.OAuthError);
    }

    private static SessionEndReason? RejectionReason(ErrorBody error)
    {
        switch (error.Code)
        {
            case "refresh_token_already_used": return SessionEndReason.RefreshTokenAlreadyUsed;
            case "refresh_token_not_found": return SessionEndReason.RefreshTokenNotFound;
            case "session_expired": return SessionEndReason.SessionExpired;
            case "session_not_found": return SessionEndReason.SessionNotFound;
            case "user_banned": return SessionEndReason.UserBanned;
            case "validation_failed": return SessionEndReason.InvalidRefreshToken;
        }

        var message = error.Message;
        if (message is not null && message.StartsWith("Invalid Refresh Token", StringComparison.OrdinalIgnoreCase))
        {
            return FromLegacyMessage(message);
        }

        if (message is not null && message.StartsWith("Refresh token is not valid", StringComparison.OrdinalIgnoreCase))
        {
            return SessionEndReason.InvalidRefreshToken;
        }

        return error.OAuthError == "invalid_grant" ? SessionEndReason.InvalidGrant : null;
    }

    private static SessionEndReason FromLegacyMessage(string message) =>
        message.Contains("Already Used", StringComparison.OrdinalIgnoreCase) ? SessionEndReason.RefreshTokenAlreadyUsed
        : message.Contains("Not Found", StringComparison.OrdinalIgnoreCase) ? SessionEndReason.RefreshTokenNotFound
        : message.Contains("Session Expired", StringComparison.OrdinalIgnoreCase) ? SessionEndReason.SessionExpired
        : message.Contains("No Valid Session", StringComparison.OrdinalIgnoreCase) ? SessionEndReason.SessionNotFound
        : message.Contains("User Banned", StringComparison.OrdinalIgnoreCase) ? SessionEndReason.UserBanned
        : SessionEndReason.InvalidGrant;

    private HttpRequestMessage CreateRequest(Uri uri, Action<Utf8JsonWriter> writeBody)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writeBody(writer);
            writer.WriteEndObject();
        }

        var content = new ByteArrayContent(buffer.WrittenSpan.ToArray());
        content.Headers.ContentType = JsonMediaType;
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
        AddHeaders(request);
        if (_options.ApiKey is { Length: > 0 } apiKey)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return request;
    }

    private void AddHeaders(HttpRequestMessage request)
    {
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.TryAddWithoutValidation("X-Supabase-Api-Version", ApiVersion);
        request.Headers.TryAddWithoutValidation("X-Client-Info", "sessionkit-dotnet");
        if (_options.ApiKey is { Length: > 0 } apiKey)
        {
            request.Headers.TryAddWithoutValidation("apikey", apiKey);
        }
    }
}
