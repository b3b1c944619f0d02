// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using SessionKit.AspNetCore.Internal;
using SessionKit.Internal;

namespace SessionKit.AspNetCore;

/// <summary>
/// The sessions of an ASP.NET Core app's signed-in users, kept in SessionKit's store (never in the auth cookie) under a key
/// derived from each user: sign-in that stores the session, the key and <see cref="SessionClient"/> of a user, sign-out.
/// </summary>
/// <remarks>
/// Registered as a singleton by <c>AddSessionKitAspNetCore</c> (and by <c>UseSignedInUserSession</c>); thread-safe. The store
/// is whatever <see cref="ITokenStore"/> is registered: in memory by default, a shared one (Redis) for a web farm.
/// </remarks>
public sealed class SignedInUserSessions
{
    private const string JwtSessionIdClaim = "session_id";

    private readonly SessionClient _client;
    private readonly ITokenStore _store;
    private readonly IPasswordSignInClient? _passwordSignIn;
    private readonly IHttpContextAccessor _httpContextAccessor;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    internal SignedInUserSessions(
        SessionClient client,
        ITokenStore store,
        IPasswordSignInClient? passwordSignIn,
        IHttpContextAccessor httpContextAccessor,
        IOptions<SignedInUserSessionOptions> options,
        TimeProvider timeProvider,
        ILogger<SignedInUserSessions>? logger)
    {
        _client = client;
        _store = store;
        _passwordSignIn = passwordSignIn;
        _httpContextAccessor = httpContextAccessor;
        Options = options.Value;
        _timeProvider = timeProvider;
        _logger = SessionKeyLogging.Protect(logger);
    }

    /// <summary>Gets the options.</summary>
    /// <value>The options configured with <c>AddSessionKitAspNetCore</c>.</value>
    public SignedInUserSessionOptions Options { get; }

    /// <summary>Returns the session key of <paramref name="user"/>: <see cref="SignedInUserSessionOptions.KeySelector"/>, else prefix + subject (+ <c>":"</c> + session id), with <c>%</c> and <c>:</c> inside a claim value percent-encoded.</summary>
    /// <param name="user">The signed-in user.</param>
    /// <returns>The key, or <see langword="null"/> when the user is not authenticated or has no subject claim.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="user"/> is <see langword="null"/>.</exception>
    public string? GetSessionKey(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.Identity?.IsAuthenticated != true)
        {
            return null;
        }

        if (Options.KeySelector is { } selector)
        {
            return selector(user) is { Length: > 0 } selected ? selected : null;
        }

        var subject = Value(user, Options.SubjectClaimType) ?? Value(user, ClaimTypes.NameIdentifier);
        if (subject is null)
        {
            return null;
        }

        var sessionId = Value(user, Options.SessionIdClaimType) ?? Value(user, ClaimTypes.Sid);
        subject = KeyPart(subject);
        return sessionId is null ? Options.KeyPrefix + subject : string.Concat(Options.KeyPrefix, subject, ":", KeyPart(sessionId));
    }

    /// <summary>Returns the <see cref="SessionClient"/> of <paramref name="user"/>'s session (for <see cref="SessionClient.GetAccessTokenAsync"/>, sign-out, events).</summary>
    /// <param name="user">The signed-in user.</param>
    /// <returns>The client of the user's key.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="user"/> is <see langword="null"/>.</exception>
    /// <exception cref="SessionRequiredException">The user is not authenticated or has no subject claim.</exception>
    public SessionClient ForUser(ClaimsPrincipal user) => _client.ForKey(RequireKey(user));

    /// <summary>
    /// Signs in with the server's password grant (GoTrue), stores the session under the new user's key, and signs the user in
    /// with a cookie that holds claims only (subject, session id, name): no token.
    /// </summary>
    /// <param name="context">The current request.</param>
    /// <param name="userName">The user name or email.</param>
    /// <param name="password">The password; never logged or stored.</param>
    /// <param name="properties">The cookie's authentication properties (persistence, expiry), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the sign-in.</param>
    /// <returns>The signed-in principal.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="userName"/> or <paramref name="password"/> is null or empty.</exception>
    /// <exception cref="NotSupportedException">The configured token endpoint client has no password grant.</exception>
    /// <exception cref="SessionSignInException">The server refused the credentials or could not be reached.</exception>
    public async Task<ClaimsPrincipal> SignInWithPasswordAsync(
        HttpContext context,
        string userName,
        string password,
        AuthenticationProperties? properties = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentException.ThrowIfNullOrEmpty(userName);
        ArgumentException.ThrowIfNullOrEmpty(password);
        if (_passwordSignIn is null)
        {
            throw new NotSupportedException("The configured token endpoint client does not support the password grant.");
        }

        var session = await _passwordSignIn.SignInWithPasswordAsync(userName, password, cancellationToken).ConfigureAwait(false);
        var sessionId = ReadJwtClaim(session.AccessToken, JwtSessionIdClaim) ?? Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture);
        var identity = new ClaimsIdentity(
            [
                new Claim(Options.SubjectClaimType, session.UserId ?? userName),
                new Claim(Options.SessionIdClaimType, sessionId),
                new Claim(ClaimTypes.Name, userName),
            ],
            authenticationType: "SessionKit",
            nameType: ClaimTypes.Name,
            roleType: ClaimTypes.Role);
        var user = new ClaimsPrincipal(identity);
        await StoreSessionAsync(user, session, cancellationToken).ConfigureAwait(false);
        await context.SignInAsync(Options.CookieScheme, user, properties).ConfigureAwait(false);
        SignInResponder.ClearReason(context, Options);
        return user;
    }

    /// <summary>
    /// Stores <paramref name="session"/> as the session of <paramref name="user"/>, replacing any session or end stored under
    /// the user's key. Call it from any sign-in flow, for example OpenID Connect's <c>OnTokenValidated</c> with
    /// <see cref="CreateSession"/>, and keep the tokens out of the cookie (<c>SaveTokens = false</c>).
    /// </summary>
    /// <param name="user">The user being signed in (the principal that goes into the cookie).</param>
    /// <param name="session">The session.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The session key.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="user"/> or <paramref name="session"/> is <see langword="null"/>.</exception>
    /// <exception cref="SessionRequiredException">The user is not authenticated or has no subject claim.</exception>
    public async Task<string> StoreSessionAsync(ClaimsPrincipal user, Session session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(session);
        var key = RequireKey(user);
        await _client.ForKey(key).SetSessionAsync(session, cancellationToken).ConfigureAwait(false);
        Log.SignInStored(_logger, key);
        return key;
    }

    /// <summary>Creates a session from a token response (OpenID Connect, OAuth 2.0), with the expiry taken from the local clock.</summary>
    /// <param name="accessToken">The access token.</param>
    /// <param name="refreshToken">The refresh token, or <see langword="null"/>.</param>
    /// <param name="expiresIn">The lifetime of the access token (<c>expires_in</c>), or <see langword="null"/> when unknown (the JWT <c>exp</c> is used, else the session is refreshed after a 401 only).</param>
    /// <returns>The session.</returns>
    /// <exception cref="ArgumentException"><paramref name="accessToken"/> is null or empty.</exception>
    public Session CreateSession(string accessToken, string? refreshToken, TimeSpan? expiresIn)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessToken);
        var now = _timeProvider.GetUtcNow();
        DateTimeOffset expiresAt;
        if (expiresIn is { } lifetime)
        {
            expiresAt = now + lifetime;
        }
        else if (ReadJwtClaim(accessToken, "exp") is { } exp && long.TryParse(exp, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds))
        {
            expiresAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
        }
        else
        {
            expiresAt = DateTimeOffset.MaxValue;
        }

        return new Session
        {
            AccessToken = accessToken,
            RefreshToken = string.IsNullOrEmpty(refreshToken) ? null : refreshToken,
            ExpiresAt = expiresAt,
            IssuedAt = now,
        };
    }

    /// <summary>
    /// Signs the current user out: ends the session at the server where it can (GoTrue <c>/logout</c>), leaves a
    /// <see cref="SessionEndReason.SignedOut"/> end in the store (so the user's other tabs and the app's other instances
    /// follow, with <see cref="SessionEndCodes.SignedOut"/>), and signs the cookie out. The cookie is signed out even when the
    /// store cannot record the sign-out (an outage, a read-only replica): that is logged, and the stored session then stays until
    /// it expires or its next refresh is rejected.
    /// </summary>
    /// <param name="context">The current request.</param>
    /// <param name="cancellationToken">Cancels the server call; the local sign-out still happens.</param>
    /// <returns>A task that completes when the user is signed out.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is <see langword="null"/>.</exception>
    public async Task SignOutAsync(HttpContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (GetSessionKey(context.User) is { } key)
        {
            try
            {
                await _client.ForKey(key).SignOutAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (TokenStoreException ex)
            {
                // A user who asks to sign out is signed out of this browser whatever the store does.
                Log.SignOutNotStored(_logger, key, ex.GetType().Name + (ex.IsTransient ? ", transient" : string.Empty));
            }
        }

        await SignInResponder.SignOutWithReasonAsync(context, Options, SessionEndCodes.SignedOut).ConfigureAwait(false);
    }

    /// <summary>Returns why <paramref name="user"/> can no longer use their session, or <see langword="null"/> while it lives: one store read, a second only when no session is stored.</summary>
    internal async ValueTask<string?> FindEndAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var key = GetSessionKey(user);
        if (key is null)
        {
            Log.NoSubjectClaim(_logger, Options.SubjectClaimType);
            return SessionEndCodes.InvalidUser;
        }

        var store = _store;
        if (await store.GetAsync(key, cancellationToken).ConfigureAwait(false) is not null)
        {
            return null;
        }

        var end = await store.GetEndAsync(key, cancellationToken).ConfigureAwait(false);
        var code = end is null ? SessionEndCodes.SessionMissing : SessionEndCodes.FromReason(end.Reason);
        Log.ForcedSignOut(_logger, key, code);
        return code;
    }

    /// <summary>Gets the logger of these sessions, which hashes session keys unless <see cref="SessionKitOptions.LogSessionKeys"/> is set.</summary>
    internal ILogger Logger => _logger;

    /// <summary>The <see cref="SessionHandlerOptions.SessionKeySelector"/> of clients that act for the signed-in user.</summary>
    internal string SelectKey(HttpRequestMessage request)
    {
        if (request.GetSessionKey() is { } named)
        {
            return named;
        }

        var context = _httpContextAccessor.HttpContext
            ?? throw new SessionRequiredException(
                "This HttpClient sends the signed-in user's session, but the call runs outside an HTTP request (no HttpContext): a background job or a Blazor Server circuit must name the session with request.SetSessionKey(key).");
        return RequireKey(context.User);
    }

    private static string? Value(ClaimsPrincipal user, string claimType) =>
        user.FindFirst(claimType)?.Value is { Length: > 0 } value ? value : null;

    /// <summary>Escapes <c>%</c> and the separator <c>:</c> in a claim value, so that two different users never map to one key.</summary>
    private static string KeyPart(string value) =>
        value.AsSpan().IndexOfAny('%', ':') < 0 ? value : value.Replace("%", "%25", StringComparison.Ordinal).Replace(":", "%3A", StringComparison.Ordinal);

    private static string? ReadJwtClaim(string token, string claim)
    {
        try
        {
            var jwt = new JsonWebToken(token);
            return jwt.TryGetPayloadValue<object>(claim, out var value) ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private string RequireKey(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.Identity?.IsAuthenticated != true)
        {
            throw new SessionRequiredException(
                "This call needs the signed-in user's session, but the current request has no authenticated user: require authorization on the endpoint, or name the session with request.SetSessionKey(key).");
        }

        return GetSessionKey(user)
            ?? throw new SessionRequiredException(
                $"The signed-in user has no '{Options.SubjectClaimType}' claim, so no session key can be derived: sign in through SessionKit, or set SignedInUserSessionOptions.SubjectClaimType or KeySelector.");
    }
}
