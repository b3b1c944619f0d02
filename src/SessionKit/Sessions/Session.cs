// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net.Http.Headers;
using SessionKit.Internal;

namespace SessionKit;

/// <summary>
/// An immutable signed-in session: the access token sent with requests, the refresh token that renews it,
/// and when the access token expires.
/// </summary>
/// <remarks>
/// <para>
/// A session is created by a sign-in (any login flow; see <see cref="SessionClient.SetSessionAsync(Session, CancellationToken)"/>)
/// and replaced, never mutated, by each refresh. <see cref="Version"/> grows by one with each rotation, which lets
/// stores compare-and-swap and lets the coordinator tell a newer session from the one a caller saw.
/// </para>
/// <para>
/// <see cref="ToString"/> never prints token material, nor the user id (personal data) in the clear. Instances are safe to share between threads.
/// </para>
/// </remarks>
public sealed class Session
{
    private readonly string _accessToken = string.Empty;
    private string? _userId;
    private bool _userIdResolved;
    private AuthenticationHeaderValue? _authorization;

    /// <summary>Gets the access token sent as <c>Authorization: Bearer</c>.</summary>
    /// <value>A non-empty string. Opaque to SessionKit unless it is a JWT, in which case its <c>sub</c> claim supplies <see cref="UserId"/>.</value>
    /// <exception cref="ArgumentException">The value is null or empty (on init).</exception>
    public required string AccessToken
    {
        get => _accessToken;
        init
        {
            ArgumentException.ThrowIfNullOrEmpty(value);
            _accessToken = value;
        }
    }

    /// <summary>Gets the refresh token presented to the token endpoint to obtain the next session.</summary>
    /// <value>The refresh token, or <see langword="null"/> when the server issued none (the session cannot be refreshed).</value>
    public string? RefreshToken { get; init; }

    /// <summary>Gets the instant the access token expires.</summary>
    /// <value>
    /// Computed at receipt from <c>expires_in</c> and the local clock (immune to clock skew), else from <c>expires_at</c>,
    /// else from the JWT <c>exp</c> claim. <see cref="DateTimeOffset.MaxValue"/> when the expiry is unknown: the session is then
    /// refreshed only after a 401.
    /// </value>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Gets the instant this session was received, by the local clock.</summary>
    /// <value>
    /// Defaults to <see langword="null"/> (unknown). Set it when you build a session by hand (or use <see cref="FromTokenResponse"/>,
    /// which does): it keeps the proactive-refresh margin below half the token lifetime, so a short-lived token is not refreshed
    /// on every request, and it bounds the storm guard that answers a 401 right after a refresh without refreshing again.
    /// </value>
    public DateTimeOffset? IssuedAt { get; init; }

    /// <summary>Gets the token type returned by the server.</summary>
    /// <value>Defaults to <c>bearer</c>. SessionKit always sends the <c>Bearer</c> scheme.</value>
    public string TokenType { get; init; } = "bearer";

    /// <summary>Gets the user id.</summary>
    /// <value>The value given at creation, else the access token's JWT <c>sub</c> claim, else <see langword="null"/>.</value>
    public string? UserId
    {
        get
        {
            if (!_userIdResolved)
            {
                _userId ??= JwtInspector.TryGetSubject(_accessToken);
                _userIdResolved = true;
            }

            return _userId;
        }

        init
        {
            _userId = value;
            _userIdResolved = value is not null;
        }
    }

    /// <summary>Gets the version of this session, which grows by one with each rotation.</summary>
    /// <value>Defaults to 0 for a session created by a sign-in.</value>
    public long Version { get; init; }

    /// <summary>
    /// Creates the session a token response describes, for sessions obtained by a sign-in flow SessionKit does not run
    /// (authorization code with PKCE, device code, a native SDK): <see cref="IssuedAt"/> is now and <see cref="ExpiresAt"/> is now
    /// plus <paramref name="expiresIn"/>, both by <paramref name="timeProvider"/>'s clock.
    /// </summary>
    /// <param name="accessToken">The <c>access_token</c>.</param>
    /// <param name="refreshToken">The <c>refresh_token</c>, or <see langword="null"/> when the server issued none.</param>
    /// <param name="expiresIn">
    /// The <c>expires_in</c> (for example <c>TimeSpan.FromSeconds(json.expires_in)</c>), or <see langword="null"/> when the response had
    /// none: the access token's JWT <c>exp</c> is then used, else the expiry is unknown and the session is refreshed only after a 401.
    /// Zero means the access token is already expired.
    /// </param>
    /// <param name="idToken">The OpenID Connect <c>id_token</c>, or <see langword="null"/>: its <c>sub</c> (read, not validated) supplies <see cref="UserId"/>.</param>
    /// <param name="userId">The user id, or <see langword="null"/>; when set it wins over the ID token's and the access token's <c>sub</c>.</param>
    /// <param name="timeProvider">The clock the session was received by; <see cref="TimeProvider.System"/> when <see langword="null"/>. Use the one SessionKit uses.</param>
    /// <returns>A session at <see cref="Version"/> 0, ready for <see cref="SessionClient.SetSessionAsync(Session, CancellationToken)"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="accessToken"/> is null or empty, or <paramref name="refreshToken"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="expiresIn"/> is negative.</exception>
    public static Session FromTokenResponse(
        string accessToken,
        string? refreshToken,
        TimeSpan? expiresIn,
        string? idToken = null,
        string? userId = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessToken);
        if (refreshToken is { Length: 0 })
        {
            throw new ArgumentException("The refresh token is empty; pass null when the server issued none.", nameof(refreshToken));
        }

        if (expiresIn is { } lifetime)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(lifetime, TimeSpan.Zero, nameof(expiresIn));
        }

        var now = (timeProvider ?? TimeProvider.System).GetUtcNow();
        return new Session
        {
            AccessToken = accessToken,
            RefreshToken = refreshToken,
            ExpiresAt = expiresIn is { } e ? now + e : JwtInspector.TryGetExpiry(accessToken) ?? DateTimeOffset.MaxValue,
            IssuedAt = now,
            UserId = string.IsNullOrEmpty(userId) ? JwtInspector.TryGetSubject(idToken) : userId,
        };
    }

    /// <summary>Gets the cached <c>Authorization</c> header value for this session, built once and reused by every request.</summary>
    internal AuthenticationHeaderValue Authorization => _authorization ??= new SessionAuthorizationHeader(_accessToken);

    /// <summary>Returns whether the access token expires at or before <paramref name="now"/> plus <paramref name="margin"/>.</summary>
    /// <param name="now">The current time.</param>
    /// <param name="margin">How long before expiry the session counts as expiring. It is capped at half the token lifetime when <see cref="IssuedAt"/> is known.</param>
    /// <returns><see langword="true"/> when the session should be refreshed before use.</returns>
    public bool IsExpiring(DateTimeOffset now, TimeSpan margin)
    {
        if (ExpiresAt == DateTimeOffset.MaxValue)
        {
            return false;
        }

        // Compared as a span: ExpiresAt - margin would throw for an expiry near DateTimeOffset.MinValue (a default value) or a huge margin.
        return ExpiresAt - now <= CappedAtHalfLifetime(margin);
    }

    /// <summary>
    /// The half-lifetime cap, the one home of the rule: returns <paramref name="span"/>, or half the token's lifetime when that
    /// is shorter and the lifetime is known (<see cref="IssuedAt"/> set, a finite expiry after it). Both the refresh margin and
    /// the storm guard's window use it, so short-lived tokens still refresh ahead of expiry.
    /// </summary>
    internal TimeSpan CappedAtHalfLifetime(TimeSpan span)
    {
        if (IssuedAt is not { } issued || ExpiresAt <= issued || ExpiresAt == DateTimeOffset.MaxValue)
        {
            return span;
        }

        var half = TimeSpan.FromTicks((ExpiresAt - issued).Ticks / 2);
        return half < span ? half : span;
    }

    /// <summary>
    /// Returns whether the stored refresh token differs from <paramref name="sent"/>'s, that is, whether someone else rotated
    /// the session since <paramref name="sent"/> was read: the one comparison of refresh tokens.
    /// </summary>
    internal static bool RotatedSince(Session current, Session sent) =>
        !string.Equals(current.RefreshToken, sent.RefreshToken, StringComparison.Ordinal);

    /// <summary>Returns a description of the session without any token material or personal data.</summary>
    /// <returns>A short hash of the user id (<c>k-</c> and 12 hex digits, as session keys are shown in logs), the expiry, the version and short non-reversible fingerprints of the tokens.</returns>
    public override string ToString() =>
        $"Session {{ UserId = {SessionKeyHash.Of(UserId)}, ExpiresAt = {ExpiresAt:O}, Version = {Version}, AccessToken = {TokenFingerprint.Of(_accessToken)}, RefreshToken = {TokenFingerprint.Of(RefreshToken)} }}";

    /// <summary>Returns whether two sessions hold the same tokens at the same version.</summary>
    internal static bool SameTokens(Session? a, Session? b) =>
        ReferenceEquals(a, b)
        || (a is not null && b is not null
            && a.Version == b.Version
            && !RotatedSince(a, b)
            && string.Equals(a.AccessToken, b.AccessToken, StringComparison.Ordinal));

    /// <summary>Returns the session that follows this one after a successful refresh.</summary>
    internal Session Rotate(Session issued) => new()
    {
        AccessToken = issued.AccessToken,
        RefreshToken = issued.RefreshToken ?? RefreshToken,
        ExpiresAt = issued.ExpiresAt,
        IssuedAt = issued.IssuedAt,
        TokenType = issued.TokenType,
        UserId = issued._userId ?? issued.UserId ?? UserId,
        Version = Version + 1,
    };
}
