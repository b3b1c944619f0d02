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
}
