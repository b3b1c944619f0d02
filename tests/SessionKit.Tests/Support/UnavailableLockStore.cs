// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Tests.Support;

/// <summary>An in-memory store whose refresh lock is unreachable (as a Redis store is during an outage): reads work, the lock throws a transient store error.</summary>
internal sealed class UnavailableLockStore : ITokenStore, IRefreshLock
{
    private readonly InMemoryTokenStore _inner = new();

    public ValueTask<Session?> GetAsync(string key, CancellationToken cancellationToken) => _inner.GetAsync(key, cancellationToken);

    public ValueTask<SessionEnd?> GetEndAsync(string key, CancellationToken cancellationToken) => _inner.GetEndAsync(key, cancellationToken);

    public ValueTask SetAsync(string key, Session session, CancellationToken cancellationToken) => _inner.SetAsync(key, session, cancellationToken);

    public ValueTask<bool> TryReplaceAsync(string key, Session? expected, Session? replacement, CancellationToken cancellationToken) =>
        _inner.TryReplaceAsync(key, expected, replacement, cancellationToken);

    public ValueTask<bool> TryEndAsync(string key, Session expected, SessionEnd end, CancellationToken cancellationToken) =>
        _inner.TryEndAsync(key, expected, end, cancellationToken);

    public ValueTask RemoveAsync(string key, CancellationToken cancellationToken) => _inner.RemoveAsync(key, cancellationToken);

    public ValueTask<IAsyncDisposable> AcquireRefreshLockAsync(string sessionKey, CancellationToken cancellationToken) =>
        throw new TokenStoreException(TokenStoreProblem.Unavailable, "redis://test", null, "The store is unreachable.");
}
