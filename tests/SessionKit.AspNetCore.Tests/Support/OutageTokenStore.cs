// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.AspNetCore.Tests.Support;

/// <summary>An in-memory store that can be made unavailable, as Redis is during an outage: every call then throws a transient <see cref="TokenStoreException"/> naming the key (as a careless store might).</summary>
internal sealed class OutageTokenStore : ITokenStore
{
    private readonly InMemoryTokenStore _inner = new();

    /// <summary>Gets or sets a value indicating whether every call fails (Redis unreachable).</summary>
    public bool Down { get; set; }

    /// <summary>Gets or sets a value indicating whether writes fail while reads work (a replica that is read-only during a failover).</summary>
    public bool WritesDown { get; set; }

    public ValueTask<Session?> GetAsync(string key, CancellationToken cancellationToken)
    {
        ThrowIfDown(key);
        return _inner.GetAsync(key, cancellationToken);
    }

    public ValueTask<SessionEnd?> GetEndAsync(string key, CancellationToken cancellationToken)
    {
        ThrowIfDown(key);
        return _inner.GetEndAsync(key, cancellationToken);
    }

    public ValueTask SetAsync(string key, Session session, CancellationToken cancellationToken)
    {
        ThrowIfDown(key, write: true);
        return _inner.SetAsync(key, session, cancellationToken);
    }

    public ValueTask<bool> TryReplaceAsync(string key, Session? expected, Session? replacement, CancellationToken cancellationToken)
    {
        ThrowIfDown(key, write: true);
        return _inner.TryReplaceAsync(key, expected, replacement, cancellationToken);
    }

    public ValueTask<bool> TryEndAsync(string key, Session expected, SessionEnd end, CancellationToken cancellationToken)
    {
        ThrowIfDown(key, write: true);
        return _inner.TryEndAsync(key, expected, end, cancellationToken);
    }

    public ValueTask RemoveAsync(string key, CancellationToken cancellationToken)
    {
        ThrowIfDown(key, write: true);
        return _inner.RemoveAsync(key, cancellationToken);
    }

    private void ThrowIfDown(string key, bool write = false)
    {
        if (Down || (write && WritesDown))
        {
            throw new TokenStoreException(TokenStoreProblem.Unavailable, "test-store", null, $"The test store is down (reading '{key}').") { SessionKey = key };
        }
    }
}
