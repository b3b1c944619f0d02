// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Polly;
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
public sealed partial class RefreshCoordinator : IDisposable
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<Session>> _flights = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _reportedEnds = new(StringComparer.Ordinal);

    // The storm guard's memory: the session this coordinator last obtained per key and when, by the monotonic clock (never
    // the wall clock, which can be stepped back). In memory only, and swept, so it stays small.
    private readonly ConcurrentDictionary<string, (Session Session, long ObtainedAt)> _recent = new(StringComparer.Ordinal);
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
    /// <param name="logger">The logger, which gets session keys hashed (see <see cref="SessionKitOptions.LogSessionKeys"/>); none when <see langword="null"/>.</param>
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
        _logger = SessionKeyLogging.Protect(logger);
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
    /// <param name="seen">The session the caller used (expired, or answered with 401); <see langword="null"/> refreshes the stored session.</param>
    /// <param name="cancellationToken">Stops waiting. It never cancels a refresh already started.</param>
    /// <returns>The current session, already stored.</returns>
    /// <remarks>
    /// The storm guard applies: a session this coordinator obtained by a refresh less than
    /// <see cref="RefreshOptions.MinimumRefreshInterval"/> ago (measured by the monotonic clock) is returned as it is.
    /// <see cref="SessionClient.RefreshAsync(CancellationToken)"/> is not guarded.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="sessionKey"/> is <see langword="null"/>.</exception>
    /// <exception cref="SessionRequiredException">No session is stored under the key.</exception>
    /// <exception cref="SessionEndedException">The server rejected the refresh token, or the session was signed out.</exception>
    /// <exception cref="SessionRefreshException">The refresh failed transiently or was refused as misconfigured; the session is kept.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<Session> RefreshAsync(string sessionKey, Session? seen, CancellationToken cancellationToken) =>
        RefreshAsync(sessionKey, seen, force: false, cancellationToken);

    /// <summary>
    /// The refresh entry. <paramref name="force"/> bypasses the storm guard (an explicit refresh asked for by the application); a
    /// forced refresh still joins a flight in progress and still adopts a session someone else stored since.
    /// </summary>
    internal Task<Session> RefreshAsync(string sessionKey, Session? seen, bool force, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionKey);
        var read = Store.GetAsync(sessionKey, cancellationToken);
        if (!read.IsCompletedSuccessfully)
        {
            return ReadThenRefreshAsync(sessionKey, seen, force, read, cancellationToken);
        }

        // Synchronous when the store is: joining a flight costs no state machine, which matters for large herds.
        return Decide(sessionKey, seen, force, read.Result, cancellationToken);
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

    /// <summary>Gets the telemetry instruments shared with the handlers using this coordinator.</summary>
    internal SessionKitTelemetry Telemetry => _telemetry;

    /// <summary>Gets the clock of every expiry and storm-guard decision; handlers using this coordinator read the same one.</summary>
    internal TimeProvider TimeProvider => _timeProvider;

    /// <summary>Releases the private meter, if one was created.</summary>
    public void Dispose() => _telemetry.Dispose();

    private async Task<Session> ReadThenRefreshAsync(string sessionKey, Session? seen, bool force, ValueTask<Session?> read, CancellationToken cancellationToken)
    {
        var current = await read.ConfigureAwait(false);
        return await Decide(sessionKey, seen, force, current, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Returns the stored session when it is newer than <paramref name="seen"/> (or must not be refreshed yet), else the flight's result.</summary>
    private Task<Session> Decide(string sessionKey, Session? seen, bool force, Session? current, CancellationToken cancellationToken)
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

        if (!force && IsTooRecentToRefresh(sessionKey, current))
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
            ? new SessionRequiredException("No session is stored under the key; sign in first.") { SessionKey = sessionKey }
            : ReportEnd(sessionKey, end);
    }

    /// <summary>
    /// Looks for an end of <paramref name="sessionKey"/> that another holder of the store wrote (another tab, process or instance)
    /// and, the first time this coordinator sees it, raises <see cref="SessionEnded"/>. For stores that learn of changes made
    /// elsewhere (a browser <c>storage</c> event, a pub/sub message), so the app leaves at once rather than on its next request.
    /// </summary>
    /// <param name="sessionKey">The session key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The end, or <see langword="null"/> when the key holds a session, or nothing.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="sessionKey"/> is <see langword="null"/>.</exception>
    /// <exception cref="TokenStoreException">The store could not be read.</exception>
    public async ValueTask<SessionEnd?> CheckForEndAsync(string sessionKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionKey);
        if (await Store.GetAsync(sessionKey, cancellationToken).ConfigureAwait(false) is not null)
        {
            return null;
        }

        var end = await Store.GetEndAsync(sessionKey, cancellationToken).ConfigureAwait(false);
        if (end is not null)
        {
            _ = ReportEnd(sessionKey, end);
        }

        return end;
    }

    /// <summary>Stores a session obtained by a sign-in, replacing any tombstone of the key.</summary>
    internal async Task StoreSignedInAsync(string sessionKey, Session session, CancellationToken cancellationToken)
    {
        await Store.SetAsync(sessionKey, session, cancellationToken).ConfigureAwait(false);
        _reportedEnds.TryRemove(sessionKey, out _);
        Log.SessionStored(_logger, sessionKey, session.Version);
    }

    /// <summary>
    /// Signs <paramref name="signingOut"/> out locally: replaces it (or a rotation of it stored since) with a
    /// <see cref="SessionEndReason.SignedOut"/> tombstone and raises <see cref="SessionEnded"/>. Does nothing, and raises
    /// nothing, when no session is stored, or when the stored one is a sign-in made since <paramref name="signingOut"/> was read.
    /// </summary>
    /// <returns><see langword="true"/> when a session was ended.</returns>
    internal async Task<bool> SignOutLocallyAsync(string sessionKey, Session signingOut, CancellationToken cancellationToken)
    {
        while (true)
        {
            var current = await Store.GetAsync(sessionKey, cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                return false;
            }

            // A rotation of the session being signed out has a higher version; anything else is a new sign-in that raced the
            // sign-out (the server call takes a while) and wins.
            if (!Session.SameTokens(current, signingOut) && current.Version <= signingOut.Version)
            {
                Log.SignOutSkippedNewSignIn(_logger, sessionKey, current.Version);
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

    private static string? Redact(string? text, Session session) =>
        SafeText.RedactThenCap(text, [session.RefreshToken, session.AccessToken]);

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
