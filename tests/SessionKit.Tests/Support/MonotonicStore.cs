// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Collections.Concurrent;

namespace SessionKit.Tests.Support;

/// <summary>An in-memory store that records every write that would move a key back to an older session version.</summary>
internal sealed class MonotonicStore : ITokenStore, IRefreshLock
{
    private readonly InMemoryTokenStore _inner = new();
    private readonly ConcurrentQueue<string> _violations = new();

    public IReadOnlyCollection<string> Violations => _violations;

    public ValueTask<Session?> GetAsync(string key, CancellationToken cancellationToken) => _inner.GetAsync(key, cancellationToken);

    public ValueTask SetAsync(string key, Session session, CancellationToken cancellationToken) => _inner.SetAsync(key, session, cancellationToken);

    public async ValueTask<bool> TryReplaceAsync(string key, Session? expected, Session? replacement, CancellationToken cancellationToken)
    {
        if (replacement is not null && expected is not null && replacement.Version <= expected.Version)
        {
            _violations.Enqueue($"{key}: version {expected.Version} replaced by {replacement.Version}");
        }

        return await _inner.TryReplaceAsync(key, expected, replacement, cancellationToken);
    }

    public ValueTask RemoveAsync(string key, CancellationToken cancellationToken) => _inner.RemoveAsync(key, cancellationToken);

    public ValueTask<SessionEnd?> GetEndAsync(string key, CancellationToken cancellationToken) => _inner.GetEndAsync(key, cancellationToken);

    public ValueTask<bool> TryEndAsync(string key, Session expected, SessionEnd end, CancellationToken cancellationToken) => _inner.TryEndAsync(key, expected, end, cancellationToken);

    public ValueTask<IAsyncDisposable> AcquireRefreshLockAsync(string sessionKey, CancellationToken cancellationToken) => _inner.AcquireRefreshLockAsync(sessionKey, cancellationToken);
}
