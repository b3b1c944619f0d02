// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.Logging;

using SessionKit.Internal;

namespace SessionKit;

/// <summary>
/// The application's view of one session: sign in (store a session from any login flow, or use a password grant), read the
/// current session, refresh it, sign out, and observe <see cref="SessionRefreshed"/> and <see cref="SessionEnded"/>.
/// </summary>
/// <remarks>
/// <para>
/// A <see cref="SessionClient"/> works on the session stored under <see cref="SessionKey"/> (<c>"default"</c> unless
/// chosen); <see cref="ForKey"/> gives a client for another key that shares the same store, coordinator and server client,
/// for servers that hold many users' sessions.
/// </para>
/// <para>Thread-safe. The events are those of the shared <see cref="RefreshCoordinator"/>: they fire for every key; filter on <c>SessionKey</c>.</para>
/// </remarks>
public sealed class SessionClient
{
    /// <summary>An access token expiring within this is refreshed before a sign-out that authenticates with it.</summary>
    private static readonly TimeSpan SignOutExpiryMargin = TimeSpan.FromSeconds(10);

    private readonly RefreshCoordinator _coordinator;
    private readonly IPasswordSignInClient? _passwordSignIn;
    private readonly ISignOutClient? _signOut;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="SessionClient"/> class.</summary>
    /// <param name="coordinator">The refresh coordinator (and, through it, the store).</param>
    /// <param name="passwordSignIn">The server's password grant, if it has one.</param>
    /// <param name="signOut">The server's sign-out or revocation, if it has one.</param>
    /// <param name="sessionKey">The key of the session; <c>"default"</c> when <see langword="null"/>.</param>
    /// <param name="logger">The logger, which gets session keys hashed (see <see cref="SessionKitOptions.LogSessionKeys"/>); none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="coordinator"/> is <see langword="null"/>.</exception>
    public SessionClient(
        RefreshCoordinator coordinator,
        IPasswordSignInClient? passwordSignIn = null,
        ISignOutClient? signOut = null,
        string? sessionKey = null,
        ILogger<SessionClient>? logger = null)
        : this(coordinator, passwordSignIn, signOut, sessionKey, SessionKeyLogging.Protect(logger))
    {
    }

    // The logger is protected once, by the public constructor: ForKey passes it on as it is, so LogSessionKeys holds for every key.
    private SessionClient(RefreshCoordinator coordinator, IPasswordSignInClient? passwordSignIn, ISignOutClient? signOut, string? sessionKey, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(coordinator);
        _coordinator = coordinator;
        _passwordSignIn = passwordSignIn;
        _signOut = signOut;
        SessionKey = sessionKey ?? Internal.RefreshDefaults.SessionKey;
        _logger = logger;
    }

    /// <summary>Raised after a rotated session was stored (for any key).</summary>
    public event EventHandler<SessionRefreshedEventArgs>? SessionRefreshed
    {
        add => _coordinator.SessionRefreshed += value;
        remove => _coordinator.SessionRefreshed -= value;
    }

    /// <summary>Raised once when a session ends (for any key): the refresh token was rejected or the application signed out.</summary>
    public event EventHandler<SessionEndedEventArgs>? SessionEnded
    {
        add => _coordinator.SessionEnded += value;
        remove => _coordinator.SessionEnded -= value;
    }

    /// <summary>Gets the key of the session this client works on.</summary>
    /// <value><c>"default"</c> unless chosen.</value>
    public string SessionKey { get; }

    /// <summary>Returns a client for the session stored under <paramref name="sessionKey"/>, sharing this client's store, coordinator and server client.</summary>
    /// <param name="sessionKey">The session key, for example a user id.</param>
    /// <returns>The client.</returns>
    /// <exception cref="ArgumentException"><paramref name="sessionKey"/> is null or empty.</exception>
    public SessionClient ForKey(string sessionKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionKey);
        return new SessionClient(_coordinator, _passwordSignIn, _signOut, sessionKey, _logger);
    }

    /// <summary>Stores a session obtained by any sign-in flow (OAuth code flow, magic link, a server's own API, ...).</summary>
    /// <param name="session">The session.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the session is stored.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="session"/> is <see langword="null"/>.</exception>
    public Task SetSessionAsync(Session session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _coordinator.StoreSignedInAsync(SessionKey, session, cancellationToken);
    }

    /// <summary>Signs in with the server's password grant and stores the session.</summary>
    /// <param name="userName">The user name or email.</param>
    /// <param name="password">The password; never logged or stored.</param>
    /// <param name="cancellationToken">Cancels the sign-in.</param>
    /// <returns>The stored session.</returns>
    /// <exception cref="ArgumentException"><paramref name="userName"/> or <paramref name="password"/> is null or empty.</exception>
    /// <exception cref="NotSupportedException">The configured server client has no password grant.</exception>
    /// <exception cref="SessionSignInException">The server refused the credentials or could not be reached.</exception>
    public async Task<Session> SignInWithPasswordAsync(string userName, string password, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userName);
        ArgumentException.ThrowIfNullOrEmpty(password);
        if (_passwordSignIn is null)
        {
            throw new NotSupportedException("The configured token endpoint client does not support the password grant.");
        }

        var session = await _passwordSignIn.SignInWithPasswordAsync(userName, password, cancellationToken).ConfigureAwait(false);
        await _coordinator.StoreSignedInAsync(SessionKey, session, cancellationToken).ConfigureAwait(false);
        return session;
    }

    /// <summary>Returns the stored session, without refreshing it.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The session, or <see langword="null"/> when signed out.</returns>
    public async Task<Session?> GetSessionAsync(CancellationToken cancellationToken = default) =>
        await _coordinator.Store.GetAsync(SessionKey, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Returns a valid access token for code that sends it itself (SignalR's <c>AccessTokenProvider</c>, gRPC
    /// <c>CallCredentials</c>, a WebSocket's first request): the stored one, or, when it expires within
    /// <paramref name="minimumValidity"/>, a new one from a single-flight refresh through the <see cref="RefreshCoordinator"/>.
    /// </summary>
    /// <param name="minimumValidity">
    /// How long the token must still be valid; capped at half the token lifetime like <see cref="SessionHandlerOptions.RefreshMargin"/>.
    /// 30 seconds when <see langword="null"/>.
    /// </param>
    /// <param name="cancellationToken">Stops waiting; never cancels a refresh already sent.</param>
    /// <returns>The access token. Send it as <c>Authorization: Bearer</c>; never log it.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minimumValidity"/> is negative.</exception>
    /// <exception cref="SessionRequiredException">No session is stored under <see cref="SessionKey"/>.</exception>
    /// <exception cref="SessionEndedException">The session ended (rejected refresh token or sign-out).</exception>
    /// <exception cref="SessionRefreshException">The needed refresh failed and the stored token has expired; the session is kept.</exception>
    /// <remarks>
    /// A refresh that fails transiently while the stored token is still valid does not fail the call: the stored token is
    /// returned, as the <see cref="SessionHandler"/> does for a request. Thread-safe; concurrent callers share one refresh.
    /// </remarks>
    public async Task<string> GetAccessTokenAsync(TimeSpan? minimumValidity = null, CancellationToken cancellationToken = default)
    {
        var margin = minimumValidity ?? RefreshDefaults.RefreshMargin;
        ArgumentOutOfRangeException.ThrowIfLessThan(margin, TimeSpan.Zero, nameof(minimumValidity));
        var session = await _coordinator.Store.GetAsync(SessionKey, cancellationToken).ConfigureAwait(false)
            ?? throw await _coordinator.NoSessionAsync(SessionKey, cancellationToken).ConfigureAwait(false);
        var clock = _coordinator.TimeProvider;
        if (!session.IsExpiring(clock.GetUtcNow(), margin))
        {
            return session.AccessToken;
        }

        try
        {
            return (await _coordinator.RefreshAsync(SessionKey, session, cancellationToken).ConfigureAwait(false)).AccessToken;
        }
        catch (Exception ex) when (ex is SessionRefreshException or TokenStoreException { IsTransient: true } && clock.GetUtcNow() < session.ExpiresAt)
        {
            try
            {
                var latest = await _coordinator.Store.GetAsync(SessionKey, cancellationToken).ConfigureAwait(false);
                return (latest ?? session).AccessToken;
            }
            catch (TokenStoreException unavailable) when (unavailable.IsTransient)
            {
                return session.AccessToken;
            }
        }
    }

    /// <summary>Refreshes the session now, even if it was refreshed moments ago (the storm guard does not apply).</summary>
    /// <param name="cancellationToken">Stops waiting; never cancels a refresh already sent.</param>
    /// <returns>The new, stored session.</returns>
    /// <remarks>
    /// A refresh already in flight for the key is joined (its result is returned, no second call). A session another holder of
    /// the store rotated in the meantime is returned as it is, without a call.
    /// </remarks>
    /// <exception cref="SessionRequiredException">No session is stored.</exception>
    /// <exception cref="SessionEndedException">The server rejected the refresh token.</exception>
    /// <exception cref="SessionRefreshException">The refresh failed; the session is kept.</exception>
    public Task<Session> RefreshAsync(CancellationToken cancellationToken = default) =>
        _coordinator.RefreshAsync(SessionKey, seen: null, force: true, cancellationToken);

    /// <summary>
    /// Signs out: asks the server to end the session where it can (GoTrue <c>/logout</c>, OAuth 2.0 revocation), then removes
    /// the session from the store (leaving a <see cref="SessionEndReason.SignedOut"/> tombstone that every holder of the store
    /// sees) and raises <see cref="SessionEnded"/> with <see cref="SessionEndReason.SignedOut"/>, only when a session was stored.
    /// The local sign-out happens even when the server cannot be reached. A session signed in while the server call was under
    /// way (a new sign-in racing the sign-out) is kept; a rotation of the signed-out session is ended.
    /// </summary>
    /// <param name="cancellationToken">Cancels the server call; the local sign-out still happens.</param>
    /// <returns>Whether the server confirmed the sign-out, and if not, why (<see cref="SignOutResult.Problem"/>).</returns>
    /// <remarks>
    /// GoTrue's <c>/logout</c> authenticates with the access token: when it has expired (an idle session), the session is
    /// refreshed first through the coordinator, so the server session really ends. If that refresh fails, the sign-out is local
    /// only and the result says so.
    /// </remarks>
    public async Task<SignOutResult> SignOutAsync(CancellationToken cancellationToken = default)
    {
        var session = await _coordinator.Store.GetAsync(SessionKey, CancellationToken.None).ConfigureAwait(false);
        var result = await SignOutAtServerAsync(session, cancellationToken).ConfigureAwait(false);

        if (session is not null)
        {
            await _coordinator.SignOutLocallyAsync(SessionKey, session, CancellationToken.None).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>The server part of the sign-out; never throws, so the local sign-out always follows.</summary>
    private async Task<SignOutResult> SignOutAtServerAsync(Session? session, CancellationToken cancellationToken)
    {
        if (session is null)
        {
            return new SignOutResult(false, "no session was stored");
        }

        if (_signOut is null)
        {
            return new SignOutResult(false, "the server client has no server-side sign-out");
        }

        try
        {
            if (_signOut is ISignOutWithAccessToken && session.IsExpiring(_coordinator.TimeProvider.GetUtcNow(), SignOutExpiryMargin))
            {
                try
                {
                    session = await _coordinator.RefreshAsync(SessionKey, session, force: true, cancellationToken).ConfigureAwait(false);
                }
                catch (SessionEndedException ended)
                {
                    return new SignOutResult(true, "the server had already ended the session (" + ended.Reason + ")");
                }
                catch (Exception ex) when (ex is SessionRefreshException or SessionRequiredException or OperationCanceledException)
                {
                    Log.ServerSignOutFailed(_logger, null, "the expired access token could not be refreshed first: " + ex.GetType().Name);
                    return new SignOutResult(false, "the access token had expired and could not be refreshed first (" + ex.GetType().Name + "); the server session may still be alive");
                }
            }

            return await _signOut.SignOutAsync(session, cancellationToken).ConfigureAwait(false)
                ? new SignOutResult(true, null)
                : new SignOutResult(false, "the server did not confirm the sign-out (see the ServerSignOutFailed log); its session may still be alive");
        }
        catch (Exception ex)
        {
            // Whatever the server side does, the local sign-out must happen.
            Log.ServerSignOutFailed(_logger, null, ex.GetType().Name);
            return new SignOutResult(false, "the server sign-out failed (" + ex.GetType().Name + "); its session may still be alive");
        }
    }
}
