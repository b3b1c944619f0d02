// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;
using SessionKit.Internal;

namespace SessionKit;

/// <summary>
/// The one owner of refresh: a single flight per session key, the resilience policy around the token-endpoint call,
/// persisting the rotated session before anyone sees it, and sign-out when the server rejects the refresh token.
/// </summary>
/// <remarks>
/// <para>
/// A caller passes the session it <em>saw</em> (the one that expired or drew a 401). If the store already holds a different
/// session, someone else refreshed and that session is returned with no network call. Otherwise the caller joins the refresh in
/// flight for the key, or starts one. The refresh runs detached from every caller's <see cref="CancellationToken"/>: a
/// caller that cancels stops waiting, but a refresh already sent completes and is stored.
/// </para>
/// <para>
/// On rejection the store is read again: if it holds a different refresh token (another process or instance rotated it),
/// that session is adopted. Only if it still holds the rejected token is it replaced by a tombstone (<see cref="SessionEnd"/>),
/// <see cref="SessionEnded"/> raised and <see cref="SessionEndedException"/> thrown to every waiter. Every other coordinator
/// sharing the store finds the tombstone on its next use of the key and ends the same way: each raises
/// <see cref="SessionEnded"/> once per end (it remembers the last end of up to 4,096 keys to do so).
/// </para>
/// <para>Thread-safe. Register one instance per store (the default of <c>AddSessionKit</c> is a singleton).</para>
/// </remarks>
public sealed class RefreshCoordinator : IDisposable
{
    private static readonly ResiliencePropertyKey<Session> SessionProperty = new("SessionKit.Session");

    private readonly ConcurrentDictionary<string, TaskCompletionSource<Session>> _flights = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _reportedEnds = new(StringComparer.Ordinal);
    private readonly ITokenRefresher _refresher;
    private readonly RefreshOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SessionKitTelemetry _telemetry;
    private readonly ResiliencePipeline<RefreshOutcome> _pipeline;

    /// <summary>Initializes a new instance of the <see cref="RefreshCoordinator"/> class.</summary>
    /// <param name="store">The store holding the sessions.</param>
    /// <param name="refresher">The token endpoint client.</param>
    /// <param name="options">The resilience policy; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">The logger; none when <see langword="null"/>.</param>
    /// <param name="meterFactory">Creates the <c>SessionKit</c> meter; a private meter when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> or <paramref name="refresher"/> is <see langword="null"/>.</exception>
    public RefreshCoordinator(
        ITokenStore store,
        ITokenRefresher refresher,
        RefreshOptions? options = null,
        TimeProvider? timeProvider = null,
        ILogger<RefreshCoordinator>? logger = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(refresher);
        Store = store;
        _refresher = refresher;
        _options = options ?? new RefreshOptions();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _telemetry = new SessionKitTelemetry(meterFactory);
        _pipeline = BuildPipeline();
    }

    /// <summary>
    /// Raised after a rotated session was stored and before the callers waiting for it resume. Handlers run on the refreshing
    /// thread and should be short; exceptions they throw are logged and ignored.
    /// </summary>
    public event EventHandler<SessionRefreshedEventArgs>? SessionRefreshed;

    /// <summary>
    /// Raised once per end when a session ends (rejected refresh token or sign-out), after its tombstone was stored; also raised
    /// once when this coordinator first finds a tombstone another holder of the store wrote.
    /// </summary>
    public event EventHandler<SessionEndedEventArgs>? SessionEnded;

    /// <summary>Gets the store this coordinator writes to.</summary>
    /// <value>The store given at construction.</value>
    public ITokenStore Store { get; }

    /// <summary>Returns a session newer than <paramref name="seen"/>: the stored one if someone already refreshed, else the result of a single-flight refresh.</summary>
    /// <param name="sessionKey">The session key.</param>
    /// <param name="seen">The session the caller used (expired, or answered with 401); <see langword="null"/> forces a refresh of the stored session.</param>
    /// <param name="cancellationToken">Stops waiting. It never cancels a refresh already started.</param>
    /// <returns>The current session, already stored.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="sessionKey"/> is <see langword="null"/>.</exception>
    /// <exception cref="SessionRequiredException">No session is stored under the key.</exception>
    /// <exception cref="SessionEndedException">The server rejected the refresh token, or the session was signed out.</exception>
    /// <exception cref="SessionRefreshException">The refresh failed transiently or was refused as misconfigured; the session is kept.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<Session> RefreshAsync(string sessionKey, Session? seen, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionKey);
        var read = Store.GetAsync(sessionKey, cancellationToken);
        if (!read.IsCompletedSuccessfully)
        {
            return ReadThenRefreshAsync(sessionKey, seen, read, cancellationToken);
        }

        // Synchronous when the store is: joining a flight costs no state machine, which matters for large herds.
        return Decide(sessionKey, seen, read.Result, cancellationToken);
    }

    /// <summary>Completes when every refresh in flight now has finished (successfully or not); for shutdown and tests.</summary>
    internal async Task WhenIdleAsync()
    {
        foreach (var flight in _flights.Values)
        {
            try
            {
                await flight.Task.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The flight's failure went to its waiters; here only its end matters.
            }
        }
    }

    /// <summary>Gets the clock this coordinator judges expiry by.</summary>
    internal TimeProvider TimeProvider => _timeProvider;

    /// <summary>Gets the telemetry instruments shared with the handlers using this coordinator.</summary>
    internal SessionKitTelemetry Telemetry => _telemetry;

    /// <summary>Releases the private meter, if one was created.</summary>
    public void Dispose() => _telemetry.Dispose();

    private async Task<Session> ReadThenRefreshAsync(string sessionKey, Session? seen, ValueTask<Session?> read, CancellationToken cancellationToken)
    {
        var current = await read.ConfigureAwait(false);
        return await Decide(sessionKey, seen, current, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Returns the stored session when it is newer than <paramref name="seen"/> (or must not be refreshed yet), else the flight's result.</summary>
    private Task<Session> Decide(string sessionKey, Session? seen, Session? current, CancellationToken cancellationToken)
    {
        if (current is null)
        {
            return ThrowNoSessionAsync(sessionKey, cancellationToken);
        }

        if (seen is not null && !Session.SameTokens(current, seen))
        {
            Log.RefreshNotNeeded(_logger, sessionKey, current.Version);
            return Task.FromResult(current);
        }

        if (IsTooRecentToRefresh(current))
        {
            Log.RefreshSuppressed(_logger, sessionKey, current.Version);
            return Task.FromResult(current);
        }

        var flight = JoinOrStart(sessionKey, current);
        return cancellationToken.CanBeCanceled ? flight.WaitAsync(cancellationToken) : flight;
    }

    /// <summary>
    /// Returns the exception for a key with no stored session: <see cref="SessionEndedException"/> with the store's tombstone
    /// (raising <see cref="SessionEnded"/> if this coordinator has not reported that end yet), else <see cref="SessionRequiredException"/>.
    /// </summary>
    internal async Task<SessionKitException> NoSessionAsync(string sessionKey, CancellationToken cancellationToken)
    {
        var end = await Store.GetEndAsync(sessionKey, cancellationToken).ConfigureAwait(false);
        return end is null
            ? new SessionRequiredException($"No session is stored under '{sessionKey}'; sign in first.") { SessionKey = sessionKey }
            : ReportEnd(sessionKey, end);
    }

    /// <summary>Stores a session obtained by a sign-in, replacing any tombstone of the key.</summary>
    internal async Task StoreSignedInAsync(string sessionKey, Session session, CancellationToken cancellationToken)
    {
        await Store.SetAsync(sessionKey, session, cancellationToken).ConfigureAwait(false);
        _reportedEnds.TryRemove(sessionKey, out _);
        Log.SessionStored(_logger, sessionKey, session.Version);
    }

    /// <summary>
    /// Signs the stored session out locally: replaces it with a <see cref="SessionEndReason.SignedOut"/> tombstone and raises
    /// <see cref="SessionEnded"/>. Does nothing, and raises nothing, when no session is stored.
    /// </summary>
    /// <returns><see langword="true"/> when a session was ended.</returns>
    internal async Task<bool> SignOutLocallyAsync(string sessionKey, CancellationToken cancellationToken)
    {
        while (true)
        {
            var current = await Store.GetAsync(sessionKey, cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                return false;
            }

            var end = SessionEnd.Create(SessionEndReason.SignedOut, _timeProvider.GetUtcNow(), current.UserId);
            if (await Store.TryEndAsync(sessionKey, current, end, cancellationToken).ConfigureAwait(false))
            {
                ReportEnd(sessionKey, end);
                return true;
            }
        }
    }

    private async Task<Session> ThrowNoSessionAsync(string sessionKey, CancellationToken cancellationToken) =>
        throw await NoSessionAsync(sessionKey, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// The storm guard: a session this coordinator obtained by a refresh moments ago, still valid, is not refreshed again.
    /// Sign-in sessions (version 0) and expired ones are never held back.
    /// </summary>
    private bool IsTooRecentToRefresh(Session session)
    {
        if (session.Version == 0 || session.IssuedAt is not { } issuedAt || _options.MinimumRefreshInterval <= TimeSpan.Zero)
        {
            return false;
        }

        // Never hold back longer than half the token's lifetime, so short-lived tokens still refresh ahead of expiry.
        var window = _options.MinimumRefreshInterval;
        if (session.ExpiresAt != DateTimeOffset.MaxValue && session.ExpiresAt > issuedAt)
        {
            var half = TimeSpan.FromTicks((session.ExpiresAt - issuedAt).Ticks / 2);
            window = half < window ? half : window;
        }

        var now = _timeProvider.GetUtcNow();
        return now < session.ExpiresAt && now - issuedAt < window;
    }

    private static string? Redact(string? text, Session session)
    {
        if (text is null)
        {
            return null;
        }

        foreach (var secret in (ReadOnlySpan<string?>)[session.RefreshToken, session.AccessToken])
        {
            if (!string.IsNullOrEmpty(secret))
            {
                text = text.Replace(secret, "[redacted]", StringComparison.Ordinal);
            }
        }

        return text;
    }

    private Task<Session> JoinOrStart(string sessionKey, Session basis)
    {
        while (true)
        {
            if (_flights.TryGetValue(sessionKey, out var existing))
            {
                return existing.Task;
            }

            var flight = new TaskCompletionSource<Session>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_flights.TryAdd(sessionKey, flight))
            {
                _ = RunFlightAsync(sessionKey, basis, flight);
                return flight.Task;
            }
        }
    }

    private async Task RunFlightAsync(string sessionKey, Session basis, TaskCompletionSource<Session> flight)
    {
        // The flight belongs to no caller: it runs on the thread pool with its own budget.
        await Task.Yield();
        var started = _timeProvider.GetTimestamp();
        using var activity = SessionKitTelemetry.ActivitySource.StartActivity("sessionkit.refresh");
        string outcomeTag = "succeeded";
        try
        {
            var (session, refreshed) = await RefreshCoreAsync(sessionKey, basis).ConfigureAwait(false);
            outcomeTag = refreshed ? "succeeded" : "not_needed";
            _flights.TryRemove(new KeyValuePair<string, TaskCompletionSource<Session>>(sessionKey, flight));

            // The event fires after the store write and before any waiter resumes, so a caller never sees a session
            // whose SessionRefreshed has not been raised yet.
            if (refreshed)
            {
                Raise(SessionRefreshed, new SessionRefreshedEventArgs(sessionKey, session), nameof(SessionRefreshed));
            }

            flight.TrySetResult(session);
        }
        catch (Exception ex)
        {
            outcomeTag = ex switch
            {
                SessionEndedException => "ended",
                SessionRefreshException { IsTransient: true } => "transient",
                SessionRefreshException => "faulted",
                SessionRequiredException => "no_session",
                _ => "error",
            };
            _flights.TryRemove(new KeyValuePair<string, TaskCompletionSource<Session>>(sessionKey, flight));
            flight.TrySetException(ex);

            // Every waiter may have cancelled: observe the exception so it is never reported as unobserved.
            _ = flight.Task.Exception;
            activity?.SetStatus(ActivityStatusCode.Error, outcomeTag);
        }
        finally
        {
            if (_telemetry.RefreshDuration.Enabled)
            {
                var tags = new TagList { { "sessionkit.refresh.outcome", outcomeTag } };
                if (outcomeTag is not ("succeeded" or "not_needed"))
                {
                    tags.Add("error.type", outcomeTag);
                }

                _telemetry.RefreshDuration.Record(_timeProvider.GetElapsedTime(started).TotalSeconds, tags);
            }

            activity?.SetTag("sessionkit.refresh.outcome", outcomeTag);
        }
    }

    private async Task<(Session Session, bool Refreshed)> RefreshCoreAsync(string sessionKey, Session basis)
    {
        if (Store is not IRefreshLock crossProcess)
        {
            return await RefreshUnderLockAsync(sessionKey, basis).ConfigureAwait(false);
        }

        // Other processes share the store: hold its lock for the whole refresh, and re-read the store once it is held.
        IAsyncDisposable held;
        using (var wait = new CancellationTokenSource(_options.TotalTimeout, _timeProvider))
        {
            try
            {
                held = await crossProcess.AcquireRefreshLockAsync(sessionKey, wait.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
            {
                throw new SessionRefreshException($"Session '{sessionKey}' could not be refreshed: another process held the store's refresh lock too long. The session is kept.", ex)
                {
                    SessionKey = sessionKey,
                    IsTransient = true,
                };
            }
        }

        await using (held.ConfigureAwait(false))
        {
            return await RefreshUnderLockAsync(sessionKey, basis).ConfigureAwait(false);
        }
    }

    private async Task<(Session Session, bool Refreshed)> RefreshUnderLockAsync(string sessionKey, Session basis)
    {
        // Re-read inside the flight: a flight that finished just before this one may have rotated the session already.
        var current = await Store.GetAsync(sessionKey, CancellationToken.None).ConfigureAwait(false)
            ?? throw await NoSessionAsync(sessionKey, CancellationToken.None).ConfigureAwait(false);
        if (!Session.SameTokens(current, basis))
        {
            Log.RefreshNotNeeded(_logger, sessionKey, current.Version);
            return (current, false);
        }

        if (string.IsNullOrEmpty(current.RefreshToken))
        {
            throw new SessionRefreshException($"Session '{sessionKey}' has no refresh token and cannot be refreshed; sign in again.") { SessionKey = sessionKey };
        }

        Log.RefreshStarting(_logger, sessionKey, current.Version);
        if (_logger.IsEnabled(LogLevel.Trace))
        {
            Log.RefreshTokenFingerprint(_logger, sessionKey, TokenFingerprint.Of(current.RefreshToken));
        }

        var outcome = await ExecuteAsync(sessionKey, current).ConfigureAwait(false);
        switch (outcome.Kind)
        {
            case RefreshOutcomeKind.Succeeded:
                var next = current.Rotate(outcome.Session!);
                if (await Store.TryReplaceAsync(sessionKey, current, next, CancellationToken.None).ConfigureAwait(false))
                {
                    Log.RefreshSucceeded(_logger, sessionKey, next.Version);
                    return (next, true);
                }

                var latest = await Store.GetAsync(sessionKey, CancellationToken.None).ConfigureAwait(false)
                    ?? throw await NoSessionAsync(sessionKey, CancellationToken.None).ConfigureAwait(false);
                Log.RefreshLostRace(_logger, sessionKey, latest.Version);
                return (latest, false);

            case RefreshOutcomeKind.Rejected:
                return (await HandleRejectionAsync(sessionKey, current, outcome).ConfigureAwait(false), false);

            case RefreshOutcomeKind.Transient:
                var description = Redact(outcome.Description, current);
                Log.RefreshFailed(_logger, sessionKey, outcome.StatusCode, description);
                throw new SessionRefreshException(
                    $"Session '{sessionKey}' could not be refreshed: {description}. The session is kept; the next attempt sends the same refresh token.",
                    outcome.Exception)
                {
                    SessionKey = sessionKey,
                    IsTransient = true,
                    StatusCode = outcome.StatusCode,
                    ErrorCode = outcome.ErrorCode,
                    RetryAfter = outcome.RetryAfter,
                };

            default:
                var fault = Redact(outcome.Description, current);
                Log.RefreshFaulted(_logger, sessionKey, outcome.StatusCode, outcome.ErrorCode, fault);
                throw new SessionRefreshException(
                    $"The token endpoint refused to refresh session '{sessionKey}' (status {outcome.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}, code {outcome.ErrorCode ?? "none"}): {fault}. Check the client configuration (URL, API key, client id and secret); the session is kept.")
                {
                    SessionKey = sessionKey,
                    IsTransient = false,
                    StatusCode = outcome.StatusCode,
                    ErrorCode = outcome.ErrorCode,
                };
        }
    }

    private async Task<Session> HandleRejectionAsync(string sessionKey, Session rejected, RefreshOutcome outcome)
    {
        Log.RefreshRejected(_logger, sessionKey, outcome.Reason, outcome.ErrorCode);
        var end = SessionEnd.Create(outcome.Reason, _timeProvider.GetUtcNow(), rejected.UserId, outcome.ErrorCode, Redact(outcome.Description, rejected));
        while (true)
        {
            var latest = await Store.GetAsync(sessionKey, CancellationToken.None).ConfigureAwait(false);
            if (latest is null)
            {
                // Another holder ended the session meanwhile: report its end (with its reason), else ours.
                var existing = await Store.GetEndAsync(sessionKey, CancellationToken.None).ConfigureAwait(false);
                throw ReportEnd(sessionKey, existing ?? end);
            }

            if (!string.Equals(latest.RefreshToken, rejected.RefreshToken, StringComparison.Ordinal))
            {
                // Another process or instance rotated the session while ours was in flight: theirs is the live one.
                Log.RefreshAdopted(_logger, sessionKey, latest.Version);
                return latest;
            }

            if (await Store.TryEndAsync(sessionKey, latest, end, CancellationToken.None).ConfigureAwait(false))
            {
                throw ReportEnd(sessionKey, end);
            }
        }
    }

    /// <summary>
    /// Returns the exception for an ended session and, the first time this coordinator sees <paramref name="end"/>, logs it,
    /// counts it and raises <see cref="SessionEnded"/>.
    /// </summary>
    private SessionEndedException ReportEnd(string sessionKey, SessionEnd end)
    {
        if (MarkReported(sessionKey, end.Id))
        {
            Log.SessionEnded(_logger, sessionKey, end.Reason, end.ErrorCode, end.ErrorDescription);
            if (_telemetry.SessionsEnded.Enabled)
            {
                _telemetry.SessionsEnded.Add(1, new KeyValuePair<string, object?>("sessionkit.session.end_reason", end.Reason.ToString()));
            }

            Raise(SessionEnded, new SessionEndedEventArgs(sessionKey, end), nameof(SessionEnded));
        }

        return new SessionEndedException(end) { SessionKey = sessionKey };
    }

    /// <summary>Records that this coordinator reported <paramref name="endId"/> for the key; false when it already had.</summary>
    private bool MarkReported(string sessionKey, string endId)
    {
        while (true)
        {
            if (_reportedEnds.TryGetValue(sessionKey, out var previous))
            {
                if (string.Equals(previous, endId, StringComparison.Ordinal))
                {
                    return false;
                }

                if (_reportedEnds.TryUpdate(sessionKey, endId, previous))
                {
                    return true;
                }
            }
            else if (_reportedEnds.TryAdd(sessionKey, endId))
            {
                if (_reportedEnds.Count > RefreshDefaults.MaxReportedEnds)
                {
                    // Bounded memory: forget the older half (arbitrary order). At worst a long-forgotten end is reported again.
                    foreach (var stale in _reportedEnds.Keys.Take(RefreshDefaults.MaxReportedEnds / 2))
                    {
                        if (!string.Equals(stale, sessionKey, StringComparison.Ordinal))
                        {
                            _reportedEnds.TryRemove(stale, out _);
                        }
                    }
                }

                return true;
            }
        }
    }

    /// <summary>Gets how many keys this coordinator remembers an end of (for tests: it is bounded).</summary>
    internal int ReportedEndCount => _reportedEnds.Count;

    private async Task<RefreshOutcome> ExecuteAsync(string sessionKey, Session current)
    {
        using var budget = new CancellationTokenSource(_options.TotalTimeout, _timeProvider);
        var context = ResilienceContextPool.Shared.Get(sessionKey, budget.Token);
        context.Properties.Set(SessionProperty, current);
        try
        {
            var outcome = await _pipeline.ExecuteOutcomeAsync(
                static async (ctx, state) =>
                {
                    state.Self.CountRequest();
                    try
                    {
                        return Outcome.FromResult(await state.Self._refresher.RefreshAsync(state.Session, ctx.CancellationToken).ConfigureAwait(false));
                    }
                    catch (Exception ex)
                    {
                        return Outcome.FromException<RefreshOutcome>(ex);
                    }
                },
                context,
                (Self: this, Session: current)).ConfigureAwait(false);

            return outcome.Exception switch
            {
                null => outcome.Result!,
                BrokenCircuitException ex => RefreshOutcome.Transient("the token endpoint kept failing; refreshes are paused until the circuit closes", exception: ex, retryAfter: ex.RetryAfter),
                TimeoutRejectedException ex => RefreshOutcome.Transient("the token endpoint did not answer in time", exception: ex),
                OperationCanceledException ex => RefreshOutcome.Transient("the refresh budget ran out", exception: ex),
                var ex => RefreshOutcome.Transient("the token endpoint client threw " + ex.GetType().Name, exception: ex),
            };
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private void CountRequest()
    {
        if (_telemetry.RefreshRequests.Enabled)
        {
            _telemetry.RefreshRequests.Add(1);
        }
    }

    private ResiliencePipeline<RefreshOutcome> BuildPipeline()
    {
        var maxDelay = _options.MaxRetryDelay;
        var builder = new ResiliencePipelineBuilder<RefreshOutcome> { TimeProvider = _timeProvider, Name = "SessionKit.Refresh" };
        if (_options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<RefreshOutcome>
            {
                MaxRetryAttempts = _options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.RetryBaseDelay,
                MaxDelay = maxDelay,
                ShouldHandle = args => new ValueTask<bool>(args.Outcome switch
                {
                    { Exception: TimeoutRejectedException or HttpRequestException or IOException } => true,

                    // A server asking for more patience than the policy allows ends the retries early.
                    { Result: { Kind: RefreshOutcomeKind.Transient } transient } => transient.RetryAfter is not { } wait || wait <= maxDelay,
                    _ => false,
                }),
                DelayGenerator = static args => new ValueTask<TimeSpan?>(args.Outcome.Result?.RetryAfter),
                OnRetry = args =>
                {
                    Log.RefreshRetrying(
                        _logger,
                        args.Context.OperationKey ?? string.Empty,
                        args.AttemptNumber + 1,
                        args.Outcome.Result?.StatusCode,
                        args.Context.Properties.TryGetValue(SessionProperty, out var session)
                            ? Redact(args.Outcome.Result?.Description ?? args.Outcome.Exception?.GetType().Name, session)
                            : null);
                    return default;
                },
            });
        }

        if (_options.CircuitBreakerEnabled)
        {
            builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<RefreshOutcome>
            {
                FailureRatio = _options.CircuitBreakerFailureRatio,
                MinimumThroughput = _options.CircuitBreakerMinimumThroughput,
                SamplingDuration = _options.CircuitBreakerSamplingDuration,
                BreakDuration = _options.CircuitBreakerBreakDuration,
                ShouldHandle = static args => new ValueTask<bool>(args.Outcome switch
                {
                    { Exception: TimeoutRejectedException or HttpRequestException or IOException } => true,
                    { Result.Kind: RefreshOutcomeKind.Transient } => true,
                    _ => false,
                }),
                OnOpened = args =>
                {
                    Log.CircuitOpened(_logger, args.BreakDuration);
                    return default;
                },
            });
        }

        return builder.AddTimeout(_options.AttemptTimeout).Build();
    }

    private void Raise<TArgs>(EventHandler<TArgs>? handler, TArgs args, string eventName)
    {
        if (handler is null)
        {
            return;
        }

        foreach (var single in handler.GetInvocationList())
        {
            try
            {
                ((EventHandler<TArgs>)single).Invoke(this, args);
            }
            catch (Exception ex)
            {
                Log.EventHandlerFailed(_logger, eventName, ex);
            }
        }
    }
}
