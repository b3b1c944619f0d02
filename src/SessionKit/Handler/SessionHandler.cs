// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

using SessionKit.Internal;

namespace SessionKit;

/// <summary>
/// A <see cref="DelegatingHandler"/> that attaches the session's access token to requests for allowed origins, refreshes it
/// ahead of expiry, and on a 401 refreshes through the <see cref="RefreshCoordinator"/> and retries the request once.
/// </summary>
/// <remarks>
/// <para>
/// The hot path (a valid token) is one store read and one header assignment: no lock, no refresh, and the header value is
/// built once per session and reused. A second 401 is returned to the caller as it is.
/// </para>
/// <para>
/// A request is retried after a 401 only when its content can be sent twice: no content, or <see cref="ByteArrayContent"/>
/// (including <see cref="StringContent"/> and <see cref="FormUrlEncodedContent"/>), <see cref="ReadOnlyMemoryContent"/>,
/// <see cref="JsonContent"/>, or a <see cref="MultipartContent"/> made of those. Other content (a <see cref="StreamContent"/>)
/// gets the 401 back without a refresh.
/// </para>
/// <para>
/// Failures surface as <see cref="SessionRequiredException"/>, <see cref="SessionEndedException"/> or
/// <see cref="SessionRefreshException"/>. A proactive refresh that fails while the token is still valid does not fail the
/// request: it goes out with the current token. Synchronous <c>Send</c> is not supported.
/// </para>
/// <para>Create one per handler chain (the <c>IHttpClientFactory</c> does); the coordinator and store it uses are shared.</para>
/// </remarks>
public sealed class SessionHandler : DelegatingHandler
{
    private readonly RefreshCoordinator _coordinator;
    private readonly ITokenStore _store;
    private readonly SessionHandlerOptions _options;
    private readonly AllowedOrigin[] _allowedOrigins;
    private readonly TimeProvider _timeProvider;
    private readonly CoarseClock _clock;
    private readonly ILogger _logger;
    private readonly SessionKitTelemetry _telemetry;

    /// <summary>Initializes a new instance of the <see cref="SessionHandler"/> class.</summary>
    /// <param name="coordinator">The refresh coordinator (and, through it, the store).</param>
    /// <param name="options">The handler options; <see cref="SessionHandlerOptions.AllowedOrigins"/> must name at least one origin.</param>
    /// <param name="timeProvider">The clock used to judge expiry; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">The logger; none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="coordinator"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">No allowed origin is configured, or one is not an absolute URL.</exception>
    public SessionHandler(RefreshCoordinator coordinator, SessionHandlerOptions options, TimeProvider? timeProvider = null, ILogger<SessionHandler>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(coordinator);
        ArgumentNullException.ThrowIfNull(options);
        if (options.AllowedOrigins.Count == 0)
        {
            throw new ArgumentException("SessionHandlerOptions.AllowedOrigins is empty: name the origins that may receive the access token (AddSessionHandler adds the HttpClient's BaseAddress).", nameof(options));
        }

        if (options.AllowedOrigins.Any(o => o is null || !o.IsAbsoluteUri))
        {
            throw new ArgumentException("Every entry of SessionHandlerOptions.AllowedOrigins must be an absolute URL.", nameof(options));
        }

        _coordinator = coordinator;
        _store = coordinator.Store;
        _options = options;
        _allowedOrigins = [.. options.AllowedOrigins.Select(AllowedOrigin.From)];
        _timeProvider = timeProvider ?? TimeProvider.System;
        _clock = new CoarseClock(_timeProvider);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _telemetry = coordinator.Telemetry;
    }

    /// <summary>Not supported: session refresh is asynchronous.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>Never returns.</returns>
    /// <exception cref="NotSupportedException">Always.</exception>
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("SessionHandler does not support synchronous Send; use SendAsync.");

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="SessionRequiredException">No session is stored and <see cref="SessionHandlerOptions.RequireSession"/> is set.</exception>
    /// <exception cref="SessionEndedException">The session ended (rejected refresh token or sign-out).</exception>
    /// <exception cref="SessionRefreshException">A needed refresh failed; the session is kept.</exception>
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!IsAllowed(request.RequestUri))
        {
            if (_logger.IsEnabled(LogLevel.Trace) && request.RequestUri is { IsAbsoluteUri: true } uri)
            {
                Log.OriginNotAllowed(_logger, uri.GetLeftPart(UriPartial.Authority));
            }

            return base.SendAsync(request, cancellationToken);
        }

        var key = _options.SessionKeySelector?.Invoke(request) ?? _options.SessionKey;
        var read = _store.GetAsync(key, cancellationToken);
        if (!read.IsCompletedSuccessfully)
        {
            return ReadThenSendAsync(request, key, read, cancellationToken);
        }

        // The hot path: a cached session that is not expiring. No state machine, no lock, the header value is reused.
        var session = read.Result;
        if (session is null || session.IsExpiring(_clock.UtcNow, _options.RefreshMargin))
        {
            return SendWithSessionAsync(request, key, session, cancellationToken);
        }

        request.Headers.Authorization = session.Authorization;
        var sending = base.SendAsync(request, cancellationToken);
        if (!_options.RetryOnUnauthorized || (sending.IsCompletedSuccessfully && sending.Result.StatusCode != HttpStatusCode.Unauthorized))
        {
            return sending;
        }

        return AwaitResponseAsync(request, key, session, sending, cancellationToken);
    }

    private static bool CanResend(HttpContent? content) => content switch
    {
        null => true,
        ByteArrayContent or ReadOnlyMemoryContent or JsonContent => true,
        MultipartContent multipart => multipart.All(CanResend),
        _ => false,
    };

    private bool IsAllowed(Uri? uri)
    {
        if (uri is null || !uri.IsAbsoluteUri)
        {
            return false;
        }

        foreach (var origin in _allowedOrigins)
        {
            if (origin.Matches(uri))
            {
                return true;
            }
        }

        return false;
    }

    private async Task<HttpResponseMessage> ReadThenSendAsync(HttpRequestMessage request, string key, ValueTask<Session?> read, CancellationToken cancellationToken)
    {
        var session = await read.ConfigureAwait(false);
        return await SendWithSessionAsync(request, key, session, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> AwaitResponseAsync(HttpRequestMessage request, string key, Session session, Task<HttpResponseMessage> sending, CancellationToken cancellationToken)
    {
        var response = await sending.ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.Unauthorized
            ? await RetryAfterUnauthorizedAsync(request, key, session, response, cancellationToken).ConfigureAwait(false)
            : response;
    }

    private async Task<HttpResponseMessage> SendWithSessionAsync(HttpRequestMessage request, string key, Session? session, CancellationToken cancellationToken)
    {
        if (session is null)
        {
            if (!_options.RequireSession)
            {
                return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }

            Log.NoSession(_logger, key);
            throw await _coordinator.NoSessionAsync(key, cancellationToken).ConfigureAwait(false);
        }

        if (session.IsExpiring(_clock.UtcNow, _options.RefreshMargin))
        {
            session = await RefreshAheadAsync(key, session, cancellationToken).ConfigureAwait(false);
        }

        request.Headers.Authorization = session.Authorization;
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.Unauthorized && _options.RetryOnUnauthorized
            ? await RetryAfterUnauthorizedAsync(request, key, session, response, cancellationToken).ConfigureAwait(false)
            : response;
    }

    private async Task<HttpResponseMessage> RetryAfterUnauthorizedAsync(HttpRequestMessage request, string key, Session session, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!CanResend(request.Content))
        {
            Log.NotRetriable(_logger);
            return response;
        }

        Log.UnauthorizedRetry(_logger, key, session.Version);
        Session refreshed;
        try
        {
            refreshed = await _coordinator.RefreshAsync(key, session, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            response.Dispose();
            throw;
        }

        if (Session.SameTokens(refreshed, session))
        {
            // The storm guard held the refresh back: a retry would send the same token. Return the 401 as it is.
            return response;
        }

        response.Dispose();
        request.Headers.Authorization = refreshed.Authorization;
        if (_telemetry.RequestRetries.Enabled)
        {
            _telemetry.RequestRetries.Add(1);
        }

        var retried = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (retried.StatusCode == HttpStatusCode.Unauthorized)
        {
            Log.UnauthorizedAfterRetry(_logger, key, refreshed.Version);
        }

        return retried;
    }

    private async Task<Session> RefreshAheadAsync(string key, Session session, CancellationToken cancellationToken)
    {
        Log.ProactiveRefresh(_logger, key, session.Version);
        try
        {
            return await _coordinator.RefreshAsync(key, session, cancellationToken).ConfigureAwait(false);
        }
        catch (SessionRefreshException ex) when (_timeProvider.GetUtcNow() < session.ExpiresAt)
        {
            Log.ProactiveRefreshFailed(_logger, key, ex);
            var latest = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
            return latest ?? session;
        }
    }
}
