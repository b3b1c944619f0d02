// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using SessionKit.Internal;

namespace SessionKit;

/// <summary>
/// An <see cref="ITokenStore"/> that keeps sessions in process memory, with a per-key refresh lock (<see cref="IRefreshLock"/>)
/// so that any number of <see cref="RefreshCoordinator"/>s sharing one instance take turns and the second adopts the first's
/// rotated session. Reads are lock-free and allocation-free; compare-and-swap uses
/// <see cref="ConcurrentDictionary{TKey, TValue}"/>'s atomic update.
/// </summary>
/// <remarks>
/// <para>Sessions are lost when the process exits. Register it as a singleton (the default of <c>AddSessionKit</c>).</para>
/// <para>
/// Tombstones (<see cref="SessionEnd"/>) are kept until the key is signed in again, up to <see cref="MaxEnds"/> of them: past
/// that the oldest are forgotten, so a server that signs out many distinct users does not grow without bound. A forgotten
/// tombstone only turns a later <see cref="SessionEndedException"/> for that key into a <see cref="SessionRequiredException"/>.
/// </para>
/// </remarks>
public sealed class InMemoryTokenStore : ITokenStore, IRefreshLock
{
    /// <summary>The default of <see cref="MaxEnds"/>.</summary>
    public const int DefaultMaxEnds = 10_000;

    // Each value is a Session or a SessionEnd; the hot path tests the type, which costs no allocation.
    private readonly ConcurrentDictionary<string, object> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Key, SessionEnd End)> _endOrder = new();
    private readonly KeyedLocks _refreshLocks = new();
    private int _endCount;

    /// <summary>Initializes a new instance of the <see cref="InMemoryTokenStore"/> class that keeps up to <see cref="DefaultMaxEnds"/> tombstones.</summary>
    public InMemoryTokenStore()
        : this(DefaultMaxEnds)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InMemoryTokenStore"/> class.</summary>
    /// <param name="maxEnds">How many tombstones to keep at most; the oldest are forgotten first.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxEnds"/> is negative.</exception>
    public InMemoryTokenStore(int maxEnds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxEnds);
        MaxEnds = maxEnds;
    }

    /// <summary>Gets how many tombstones this store keeps at most.</summary>
    /// <value><see cref="DefaultMaxEnds"/> (10,000) unless given.</value>
    public int MaxEnds { get; }

    /// <summary>Gets how many tombstones the store holds now (for diagnostics and tests).</summary>
    internal int EndCount => _entries.Count(e => e.Value is SessionEnd);

    /// <summary>Gets how many keys have a refresh lock allocated now (for tests: they are freed when released).</summary>
    internal int RefreshLockCount => _refreshLocks.Count;

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    public ValueTask<Session?> GetAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new(_entries.TryGetValue(key, out var entry) ? entry as Session : null);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    public ValueTask<SessionEnd?> GetEndAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new(_entries.TryGetValue(key, out var entry) ? entry as SessionEnd : null);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> or <paramref name="session"/> is <see langword="null"/>.</exception>
    public ValueTask SetAsync(string key, Session session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(session);
        _entries[key] = session;
        return default;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    public ValueTask<bool> TryReplaceAsync(string key, Session? expected, Session? replacement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        while (true)
        {
            _entries.TryGetValue(key, out var entry);
            if (entry is not Session current)
            {
                // Nothing stored, or a tombstone: both are "no session".
                if (expected is not null)
                {
                    return new(false);
                }

                if (replacement is null)
                {
                    return new(true);
                }

                var swapped = entry is null ? _entries.TryAdd(key, replacement) : _entries.TryUpdate(key, replacement, entry);
                if (swapped)
                {
                    return new(true);
                }

                continue;
            }

            if (!Session.SameTokens(current, expected))
            {
                return new(false);
            }

            var done = replacement is null
                ? _entries.TryRemove(new KeyValuePair<string, object>(key, current))
                : _entries.TryUpdate(key, replacement, current);
            if (done)
            {
                return new(true);
            }
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="key"/>, <paramref name="expected"/> or <paramref name="end"/> is <see langword="null"/>.</exception>
    public ValueTask<bool> TryEndAsync(string key, Session expected, SessionEnd end, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(end);
        while (true)
        {
            if (!_entries.TryGetValue(key, out var entry) || entry is not Session current || !Session.SameTokens(current, expected))
            {
                return new(false);
            }

            if (MaxEnds == 0)
            {
                // Keeping no tombstones: the end removes the session.
                if (_entries.TryRemove(new KeyValuePair<string, object>(key, current)))
                {
                    return new(true);
                }

                continue;
            }

            if (_entries.TryUpdate(key, end, current))
            {
                _endOrder.Enqueue((key, end));
                if (Interlocked.Increment(ref _endCount) > MaxEnds)
                {
                    ForgetOldestEnds();
                }

                return new(true);
            }
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    public ValueTask RemoveAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        _entries.TryRemove(key, out _);
        return default;
    }

    /// <inheritdoc/>
    /// <remarks>One lock per key, allocated while someone holds or waits for it and freed afterwards.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="sessionKey"/> is <see langword="null"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    public ValueTask<IAsyncDisposable> AcquireRefreshLockAsync(string sessionKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionKey);
        return _refreshLocks.AcquireAsync(sessionKey, cancellationToken);
    }

    /// <summary>Forgets the oldest tombstones until at most <see cref="MaxEnds"/> are queued; one already replaced by a sign-in is skipped.</summary>
    private void ForgetOldestEnds()
    {
        while (Volatile.Read(ref _endCount) > MaxEnds && _endOrder.TryDequeue(out var oldest))
        {
            Interlocked.Decrement(ref _endCount);
            _entries.TryRemove(new KeyValuePair<string, object>(oldest.Key, oldest.End));
        }
    }
}
