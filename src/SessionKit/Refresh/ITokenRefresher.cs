// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit;

/// <summary>
/// A token endpoint client: makes one HTTP call that exchanges a refresh token and classifies the answer.
/// </summary>
/// <remarks>
/// Implementations never retry, store or sign out (the <see cref="RefreshCoordinator"/> does), and never throw for an
/// answer from the server: every answer, including garbage, becomes a <see cref="RefreshOutcome"/>. They may throw
/// <see cref="OperationCanceledException"/> when <c>cancellationToken</c> is cancelled. Implementations must be thread-safe.
/// </remarks>
public interface ITokenRefresher
{
    /// <summary>Exchanges <paramref name="session"/>'s refresh token for a new session.</summary>
    /// <param name="session">The session to refresh; its <see cref="Session.RefreshToken"/> is not <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the call (the coordinator's own attempt timeout, never a caller's token).</param>
    /// <returns>The classified outcome.</returns>
    Task<RefreshOutcome> RefreshAsync(Session session, CancellationToken cancellationToken);

    /// <summary>
    /// Gets how long the server still accepts a refresh token after its first use, which decides whether the coordinator may
    /// resend it after an ambiguous failure (<see cref="RefreshOutcome.IsAmbiguous"/>): the first request may have reached the
    /// server and rotated the token, so a resend is a reuse.
    /// </summary>
    /// <value>
    /// <para>
    /// <see cref="TimeSpan.Zero"/> (the default implementation): a strict server, which refuses a second use and revokes the
    /// grant. After an ambiguous failure nothing is resent; the session is kept and the next refresh decides.
    /// </para>
    /// <para>
    /// <see cref="Timeout.InfiniteTimeSpan"/>: a resend of the token just presented is always accepted (GoTrue's parent rule).
    /// It is resent after the usual backoff.
    /// </para>
    /// <para>
    /// Any other value: a reuse leeway (for example OpenIddict's 30 seconds). The token is resent after
    /// <see cref="RefreshOptions.SettleDelay"/>, and only if the resend still falls inside the leeway counted from the first send.
    /// </para>
    /// </value>
    TimeSpan RefreshTokenReuseWindow => TimeSpan.Zero;
}
