// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging;

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
/// A 401 causes a refresh only when it answers SessionKit's own token, sent to an allowed origin by this handler, and its
/// <c>WWW-Authenticate</c> challenge is about the token (none, no <c>Bearer</c> challenge, or <c>Bearer</c> with
/// <c>error="invalid_token"</c> or no error code). <c>insufficient_scope</c>, any 403, and a 401 to a request whose token a
/// handler below this one dropped (an auto-redirect) are returned as they are.
/// </para>
/// <para>
/// Redirects: with <see cref="SessionHandlerOptions.FollowRedirects"/> (the default) this handler follows 300, 301, 302, 303,
/// 307 and 308 itself, like <see cref="HttpClientHandler"/> (at most <see cref="SessionHandlerOptions.MaxRedirects"/> hops,
/// POST after 301/302 and anything but GET/HEAD after 303 become GET without content, relative locations resolved, the
/// fragment kept, never from https to http), and checks the origin at every hop: an allowed origin gets the current token
/// from the store, any other origin gets no <c>Authorization</c> header at all, and a 401 from it never causes a refresh.
/// <c>AddSessionHandler</c> turns off <c>AllowAutoRedirect</c> on the client's primary handler so redirects reach this
/// handler. When you build the pipeline yourself, do the same on the inner handler: if a handler below follows a redirect, it
/// drops the token on the way (as .NET does), this handler sees that the request was redirected, and it returns the 401 of
/// the redirected request without refreshing, so a same-origin redirect then fails where it would have succeeded.
/// </para>
/// <para>
/// An <c>Authorization</c> header the caller set (on the request or through <see cref="HttpClient.DefaultRequestHeaders"/>)
/// is left alone: no session token replaces it, its 401 causes no refresh, and on a redirect it is kept only while the
/// origin stays the original request's.
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
/// request: it goes out with the current token. Synchronous <c>Send</c> is not supported. Expiry is judged with the
/// coordinator's <see cref="TimeProvider"/>, the clock of its storm guard, so both always agree.
/// </para>
/// <para>Create one per handler chain (the <c>IHttpClientFactory</c> does); the coordinator and store it uses are shared.</para>
/// </remarks>
public sealed partial class SessionHandler : DelegatingHandler
{
    private readonly RefreshCoordinator _coordinator;
    private readonly ITokenStore _store;
    private readonly SessionHandlerOptions _options;
    private readonly AllowedOrigin[] _allowedOrigins;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SessionKitTelemetry _telemetry;

    /// <summary>Initializes a new instance of the <see cref="SessionHandler"/> class.</summary>
    /// <param name="coordinator">The refresh coordinator (and, through it, the store and the clock).</param>
    /// <param name="options">The handler options; <see cref="SessionHandlerOptions.AllowedOrigins"/> must name at least one origin.</param>
    /// <param name="timeProvider">
    /// The clock used to judge expiry: the coordinator's when <see langword="null"/>. Expiry and the coordinator's storm guard must
    /// read one clock, so any other instance is refused.
    /// </param>
    /// <param name="logger">The logger, which gets session keys hashed (see <see cref="SessionKitOptions.LogSessionKeys"/>); none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="coordinator"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">No allowed origin is configured, one is not an absolute URL, or <paramref name="timeProvider"/> is not the coordinator's clock.</exception>
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

        if (timeProvider is not null && !ReferenceEquals(timeProvider, coordinator.TimeProvider))
        {
            throw new ArgumentException("The handler must judge expiry with the coordinator's clock (its storm guard reads it too): pass the TimeProvider given to the RefreshCoordinator, or null.", nameof(timeProvider));
        }

        _coordinator = coordinator;
        _store = coordinator.Store;
        _options = options;
        _allowedOrigins = [.. options.AllowedOrigins.Select(AllowedOrigin.From)];
        _timeProvider = coordinator.TimeProvider;
        _logger = SessionKeyLogging.Protect(logger);
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
        var uri = request.RequestUri;
        if (!IsAllowed(uri))
        {
            if (_logger.IsEnabled(LogLevel.Trace) && uri is { IsAbsoluteUri: true })
            {
                Log.OriginNotAllowed(_logger, uri.GetLeftPart(UriPartial.Authority));
            }

            // A message this handler sent before, sent again to another origin by an outer handler (one that follows
            // redirects by reusing the message), still carries SessionKit's token: drop it. A caller's own header is looked
            // at only if a redirect needs it.
            if (request.Headers.Authorization is SessionAuthorizationHeader)
            {
                request.Headers.Authorization = null;
            }

            return PassThrough(request, uri, callerHeader: null, callerHeaderKnown: false, cancellationToken);
        }

        if (request.Headers.Authorization is { } header && header is not SessionAuthorizationHeader)
        {
            if (_logger.IsEnabled(LogLevel.Trace))
            {
                Log.CallerAuthorization(_logger, uri!.GetLeftPart(UriPartial.Authority));
            }

            return PassThrough(request, uri, header, callerHeaderKnown: true, cancellationToken);
        }

        var key = KeyOf(request);
        var read = _store.GetAsync(key, cancellationToken);
        if (!read.IsCompletedSuccessfully)
        {
            return AttachThenSendAsync(request, key, read, cancellationToken);
        }

        // The hot path: a cached session that is not expiring. No state machine, no lock, the header value is reused.
        var session = read.Result;
        if (session is null || session.IsExpiring(_timeProvider.GetUtcNow(), _options.RefreshMargin))
        {
            return AttachThenSendAsync(request, key, read, cancellationToken);
        }

        request.Headers.Authorization = session.Authorization;
        var sending = base.SendAsync(request, cancellationToken);
        if (!_options.RetryOnUnauthorized && !_options.FollowRedirects)
        {
            return sending;
        }

        if (sending.IsCompletedSuccessfully)
        {
            var response = sending.Result;
            return NeedsAttention(response.StatusCode) ? ContinueAsync(request, new Exchange(key, session, uri, null, true), response, cancellationToken) : sending;
        }

        return AwaitResponseAsync(request, key, session, uri, sending, cancellationToken);
    }

    private bool NeedsAttention(HttpStatusCode status) =>
        (status == HttpStatusCode.Unauthorized && _options.RetryOnUnauthorized)
        || (_options.FollowRedirects && RedirectTarget.IsRedirect(status));

    private string KeyOf(HttpRequestMessage request) => _options.SessionKeySelector?.Invoke(request) ?? _options.SessionKey;

    /// <summary>The hot path's answer arrives later (a real connection): a small state machine, the full one only when the answer needs it.</summary>
    private async Task<HttpResponseMessage> AwaitResponseAsync(HttpRequestMessage request, string key, Session session, Uri? uri, Task<HttpResponseMessage> sending, CancellationToken cancellationToken)
    {
        var response = await sending.ConfigureAwait(false);
        return NeedsAttention(response.StatusCode)
            ? await ContinueAsync(request, new Exchange(key, session, uri, null, true), response, cancellationToken).ConfigureAwait(false)
            : response;
    }

    private async Task<HttpResponseMessage> AttachThenSendAsync(HttpRequestMessage request, string key, ValueTask<Session?> read, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri;
        var session = await AttachAsync(request, key, read, cancellationToken).ConfigureAwait(false);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return NeedsAttention(response.StatusCode)
            ? await ContinueAsync(request, new Exchange(key, session, uri, null, true), response, cancellationToken).ConfigureAwait(false)
            : response;
    }

    /// <summary>Attaches the current token for <paramref name="key"/> (refreshing it first when it expires within the margin); returns the session sent, or <see langword="null"/> when the request goes out anonymously.</summary>
    private async Task<Session?> AttachAsync(HttpRequestMessage request, string key, ValueTask<Session?> read, CancellationToken cancellationToken)
    {
        var session = await read.ConfigureAwait(false);
        if (session is null)
        {
            if (!_options.RequireSession)
            {
                request.Headers.Authorization = null;
                return null;
            }

            Log.NoSession(_logger, key);
            throw await _coordinator.NoSessionAsync(key, cancellationToken).ConfigureAwait(false);
        }

        if (session.IsExpiring(_timeProvider.GetUtcNow(), _options.RefreshMargin))
        {
            session = await RefreshAheadAsync(key, session, cancellationToken).ConfigureAwait(false);
        }

        request.Headers.Authorization = session.Authorization;
        return session;
    }

    /// <summary>What the handler knows about a request in flight: its session key, the session it carries, where it went, and the caller's own header.</summary>
    private readonly record struct Exchange(string? Key, Session? Sent, Uri? SentUri, AuthenticationHeaderValue? CallerHeader, bool CallerHeaderKnown);
}
