// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit;

/// <summary>
/// A lock that spans every process (or instance) sharing a store, held for the duration of a refresh. A store that
/// implements it lets the <see cref="RefreshCoordinator"/> extend its in-process single flight across processes: the holder
/// re-reads the store after acquiring the lock and adopts a session another process rotated meanwhile, without calling the server.
/// </summary>
/// <remarks>Implemented by <see cref="FileTokenStore"/> with an OS file lock, which dies with a crashed process.</remarks>
public interface IRefreshLock
{
    /// <summary>Waits for the refresh lock of <paramref name="sessionKey"/>.</summary>
    /// <param name="sessionKey">The session key.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The held lock; dispose it to release.</returns>
    /// <exception cref="TimeoutException">The lock was not acquired within the store's lock timeout.</exception>
    ValueTask<IAsyncDisposable> AcquireRefreshLockAsync(string sessionKey, CancellationToken cancellationToken);
}
