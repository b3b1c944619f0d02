// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;
using SessionKit.Redis.Internal;
using StackExchange.Redis;
using SessionKit.Internal;

namespace SessionKit.Redis;

/// <summary>
/// An <see cref="ITokenStore"/> in Redis for web farms: every instance of an application shares its sessions, and its per-session
/// refresh lock (<see cref="IRefreshLock"/>) makes one refresh per session across all of them.
/// </summary>
/// <remarks>
/// <para>
/// Each session key is one Redis hash holding the session (or its tombstone) encrypted with ASP.NET Core Data Protection, and
/// beside it in clear only what the compare-and-swap compares: the version and a fingerprint of the tokens. Every write is one
/// Lua script, atomic on the server, that also publishes the change on the store's channel. Entries expire
/// <see cref="RedisTokenStoreOptions.EntryLifetime"/> after their last write (sliding on rotation); tombstones after
/// <see cref="RedisTokenStoreOptions.EndLifetime"/>.
/// </para>
/// <para>
/// The refresh lock is a lease per session key with a random owner value, renewed while held and released by
/// compare-and-delete. Waiters wake on the channel's messages (release, rotation, end), with a bounded poll as a fallback. The
/// write after a refresh is fenced: it lands only if the session it replaces is still stored and, when this instance held the
/// lease, no other instance holds it now.
/// </para>
/// <para>
/// Redis trouble (unreachable, a timeout, a restart still loading, a failover) surfaces as a <see cref="TokenStoreException"/>
/// with <see cref="TokenStoreProblem.Unavailable"/> (<see cref="TokenStoreException.IsTransient"/>), never as a missing session:
/// nobody is signed out by it. An unusable value under a session key (not decryptable, another shape) is moved aside to a
/// quarantine key and reported as a <see cref="TokenStoreException"/> naming both keys.
/// </para>
/// <para>Thread-safe. Register one instance per application (a singleton); dispose it to stop its lock renewals and subscription.</para>
/// </remarks>
public sealed class RedisTokenStore : ITokenStore, IRefreshLock, IAsyncDisposable, IDisposable
{
    private static readonly RedisValue[] SessionFields = ["s", "v", "f", "d"];
    private static readonly RedisValue[] EndFields = ["s", "d"];

    private readonly IConnectionMultiplexer _redis;
    private readonly IDatabase _database;
    private readonly IDataProtector _protector;
    private readonly RedisTokenStoreOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly RedisChannel _channel;
    private readonly RedisValue _channelName;
    private readonly RedisValue _entryLifetimeMs;
    private readonly RedisValue _endLifetimeMs;
    private readonly ConcurrentDictionary<string, CachedSession> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RedisLease> _held = new(StringComparer.Ordinal);
    private readonly LockSignals _signals = new();
    private readonly SemaphoreSlim _subscribeGate = new(1, 1);
    private volatile bool _subscribed;
    private int _disposed;

    /// <summary>Initializes a new instance of the <see cref="RedisTokenStore"/> class.</summary>
    /// <param name="redis">The Redis connection (shared with the rest of the application, or the store's own).</param>
    /// <param name="dataProtection">Encrypts the stored sessions; every instance must share its key ring (see the README's "Web farms").</param>
    /// <param name="options">The configuration; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock of lock waits and lease renewals; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">The logger, which gets session keys hashed (see <see cref="SessionKitOptions.LogSessionKeys"/>); none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="redis"/> or <paramref name="dataProtection"/> is <see langword="null"/>.</exception>
    public RedisTokenStore(
        IConnectionMultiplexer redis,
        IDataProtectionProvider dataProtection,
        RedisTokenStoreOptions? options = null,
        TimeProvider? timeProvider = null,
        ILogger<RedisTokenStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(dataProtection);
        _redis = redis;
        _options = options ?? new RedisTokenStoreOptions();
        _database = redis.GetDatabase(_options.Database);
        _protector = dataProtection.CreateProtector(RedisDefaults.ProtectorPurpose, _options.KeyPrefix);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = SessionKeyLogging.Protect(logger);
        _channelName = _options.KeyPrefix + "events";
        _channel = RedisChannel.Literal(_options.KeyPrefix + "events");
        _entryLifetimeMs = (long)_options.EntryLifetime.TotalMilliseconds;
        _endLifetimeMs = (long)_options.EndLifetime.TotalMilliseconds;
        _redis.ConnectionRestored += OnConnectionRestored;
    }

    /// <summary>Gets the options the store runs with.</summary>
    /// <value>The options given at construction.</value>
    public RedisTokenStoreOptions Options => _options;

    /// <summary>Gets how many keys have pending lock wake-ups (for tests).</summary>
    internal int PendingSignalCount => _signals.Count;

    /// <summary>Gets how many locks this instance holds now (for tests).</summary>
    internal int HeldLockCount => _held.Count;

    /// <summary>Returns the Redis key of the entry for <paramref name="sessionKey"/>: the prefix and the session key as a Cluster hash tag.</summary>
    /// <param name="sessionKey">The session key.</param>
    /// <returns>The Redis key.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="sessionKey"/> is <see langword="null"/>.</exception>
    public string GetRedisKey(string sessionKey)
    {
        ArgumentNullException.ThrowIfNull(sessionKey);
        return _options.KeyPrefix + "{" + sessionKey + "}";
    }

    /// <inheritdoc/>
    /// <remarks>One round trip (<c>HMGET</c>). The payload is decrypted once per version: a decrypted session is kept in process and reused while Redis still holds the same version and fingerprint.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    /// <exception cref="TokenStoreException">Redis is unavailable (<see cref="TokenStoreException.IsTransient"/>), or the entry is unusable (it was kept aside).</exception>
    public async ValueTask<Session?> GetAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        var redisKey = GetRedisKey(key);
        RedisValue[] fields;
        try
        {
            fields = await _database.HashGetAsync(redisKey, SessionFields).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisErrors.IsWrongType(ex))
        {
            throw await UnusableAsync(key, redisKey, RedisValue.Null, TokenStoreProblem.Corrupt, "the key holds another Redis type than a SessionKit hash", ex).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisErrors.IsUnavailable(ex))
        {
            throw Unavailable(key, redisKey, "read", ex);
        }

        var state = fields[0];
        if (state.IsNull)
        {
            return await NothingOrForeignAsync(key, redisKey).ConfigureAwait(false);
        }

        if (state == SessionCodec.EndState && !fields[3].IsNullOrEmpty)
        {
            return null;
        }

        if (state != SessionCodec.SessionState || fields[1].IsNullOrEmpty || fields[2].IsNullOrEmpty || fields[3].IsNullOrEmpty)
        {
            throw await UnusableAsync(key, redisKey, fields[3], TokenStoreProblem.Corrupt, "the hash is not a SessionKit entry", null).ConfigureAwait(false);
        }

        var version = (string)fields[1]!;
        var fingerprint = (string)fields[2]!;
        if (_cache.TryGetValue(key, out var cached) && cached.Matches(version, fingerprint))
        {
            return cached.Session;
        }

        Session session;
        try
        {
            session = SessionCodec.UnprotectSession(_protector, key, (byte[])fields[3]!, version, fingerprint);
        }
        catch (UnusableEntryException ex)
        {
            throw await UnusableAsync(key, redisKey, fields[3], ex.Problem, ex.Message, ex.InnerException).ConfigureAwait(false);
        }

        Remember(key, version, fingerprint, session);
        return session;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    /// <exception cref="TokenStoreException">Redis is unavailable, or the entry is unusable (it was kept aside).</exception>
    public async ValueTask<SessionEnd?> GetEndAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        var redisKey = GetRedisKey(key);
        RedisValue[] fields;
        try
        {
            fields = await _database.HashGetAsync(redisKey, EndFields).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisErrors.IsWrongType(ex))
        {
            throw await UnusableAsync(key, redisKey, RedisValue.Null, TokenStoreProblem.Corrupt, "the key holds another Redis type than a SessionKit hash", ex).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisErrors.IsUnavailable(ex))
        {
            throw Unavailable(key, redisKey, "read of the end", ex);
        }

        if (fields[0] != SessionCodec.EndState)
        {
            return null;
        }

        if (fields[1].IsNullOrEmpty)
        {
            throw await UnusableAsync(key, redisKey, fields[1], TokenStoreProblem.Corrupt, "the tombstone has no payload", null).ConfigureAwait(false);
        }

        try
        {
            return SessionCodec.UnprotectEnd(_protector, key, (byte[])fields[1]!);
        }
        catch (UnusableEntryException ex)
        {
            throw await UnusableAsync(key, redisKey, fields[1], ex.Problem, ex.Message, ex.InnerException).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> or <paramref name="session"/> is <see langword="null"/>.</exception>
    /// <exception cref="TokenStoreException">Redis is unavailable.</exception>
    public async ValueTask SetAsync(string key, Session session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(session);
        cancellationToken.ThrowIfCancellationRequested();
        var redisKey = GetRedisKey(key);
        var version = SessionCodec.VersionText(session);
        var fingerprint = SessionCodec.Fingerprint(session);
        var payload = SessionCodec.Protect(_protector, key, session);
        try
        {
            await _database.ScriptEvaluateAsync(RedisScripts.Set, [redisKey], [version, fingerprint, payload, _entryLifetimeMs, _channelName, key]).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisErrors.IsUnavailable(ex))
        {
            throw Unavailable(key, redisKey, "write", ex);
        }

        Remember(key, version, fingerprint, session);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// One Lua script compares the stored version and fingerprint with <paramref name="expected"/> and swaps. It is also the
    /// fence: when this instance holds the key's refresh lock and another instance has taken it since (the lease lapsed), the
    /// write is refused and <see langword="false"/> returned. Through a Redis outage the swap is retried for up to
    /// <see cref="RedisTokenStoreOptions.WriteRetryTimeout"/>; a retry of a swap that had landed answers <see langword="true"/>.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    /// <exception cref="TokenStoreException">Redis stayed unavailable (the stored session is unchanged), or the entry is unusable (it was kept aside).</exception>
    public async ValueTask<bool> TryReplaceAsync(string key, Session? expected, Session? replacement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        string? version = null;
        string? fingerprint = null;
        RedisValue payload = RedisValue.EmptyString;
        if (replacement is not null)
        {
            version = SessionCodec.VersionText(replacement);
            fingerprint = SessionCodec.Fingerprint(replacement);
            payload = SessionCodec.Protect(_protector, key, replacement);
        }

        var swapped = await CompareAndSwapAsync(
            key,
            replacement is null ? "d" : SessionCodec.SessionState,
            expected,
            version ?? string.Empty,
            fingerprint ?? string.Empty,
            payload,
            _entryLifetimeMs,
            replacement?.Version ?? expected?.Version ?? 0,
            cancellationToken).ConfigureAwait(false);
        if (swapped)
        {
            if (replacement is null)
            {
                _cache.TryRemove(key, out _);
            }
            else
            {
                Remember(key, version!, fingerprint!, replacement);
            }
        }

        return swapped;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="key"/>, <paramref name="expected"/> or <paramref name="end"/> is <see langword="null"/>.</exception>
    /// <exception cref="TokenStoreException">Redis stayed unavailable, or the entry is unusable (it was kept aside).</exception>
    public async ValueTask<bool> TryEndAsync(string key, Session expected, SessionEnd end, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(end);
        cancellationToken.ThrowIfCancellationRequested();
        var payload = SessionCodec.Protect(_protector, key, end);
        var ended = await CompareAndSwapAsync(key, SessionCodec.EndState, expected, string.Empty, end.Id, payload, _endLifetimeMs, expected.Version, cancellationToken).ConfigureAwait(false);
        if (ended)
        {
            _cache.TryRemove(key, out _);
        }

        return ended;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    /// <exception cref="TokenStoreException">Redis is unavailable.</exception>
    public async ValueTask RemoveAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        var redisKey = GetRedisKey(key);
        try
        {
            await _database.ScriptEvaluateAsync(RedisScripts.Remove, [redisKey], [_channelName, key]).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisErrors.IsUnavailable(ex))
        {
            throw Unavailable(key, redisKey, "removal", ex);
        }

        _cache.TryRemove(key, out _);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Takes the key's lease (<c>SET NX PX</c> with a random owner). While another instance holds it, waits for a message on the
    /// store's channel (the holder released it, or the session was rotated or ended), re-checking at least every 500 ms and
    /// never later than the holder's lease runs out, for up to <see cref="RedisTokenStoreOptions.LockWaitTimeout"/>. When the
    /// session changed while waiting (the holder rotated or ended it), returns at once without taking the lock: the caller's
    /// re-read of the store finds the change and adopts it, and the waiters of a herd are not queued behind one another.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="sessionKey"/> is <see langword="null"/>.</exception>
    /// <exception cref="TimeoutException">Another instance held the lock past <see cref="RedisTokenStoreOptions.LockWaitTimeout"/>.</exception>
    /// <exception cref="TokenStoreException">Redis is unavailable (<see cref="TokenStoreException.IsTransient"/>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    public async ValueTask<IAsyncDisposable> AcquireRefreshLockAsync(string sessionKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionKey);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        await EnsureSubscribedAsync().ConfigureAwait(false);
        var redisKey = GetRedisKey(sessionKey);
        RedisKey lockKey = redisKey + ":lock";
        var owner = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var leaseMs = (long)_options.LockLease.TotalMilliseconds;
        var started = _timeProvider.GetTimestamp();
        var logged = false;
        RedisValue seen = RedisValue.EmptyString;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var signal = _signals.Current(sessionKey);
            long result;
            try
            {
                var reply = (RedisResult[])(await _database.ScriptEvaluateAsync(RedisScripts.Acquire, [lockKey, redisKey], [owner, leaseMs, seen]).ConfigureAwait(false))!;
                result = (long)reply[0];
                if (reply.Length > 1 && seen.IsNullOrEmpty)
                {
                    seen = (RedisValue)reply[1];
                }
            }
            catch (Exception ex) when (RedisErrors.IsUnavailable(ex))
            {
                _signals.Leave(sessionKey, signal);
                throw Unavailable(sessionKey, redisKey, "refresh lock", ex);
            }

            if (result == -4)
            {
                // The holder rotated or ended the session while we waited: the caller's re-read finds it and adopts it, with
                // no refresh, so no lock is needed (and the other waiters are not queued behind one another).
                _signals.Leave(sessionKey, signal);
                return NothingHeld.Instance;
            }

            if (result == -3)
            {
                _signals.Leave(sessionKey, signal);
                var lease = new RedisLease(_database, sessionKey, lockKey, owner, _options.LockLease, _channel, _timeProvider, _logger, OnLeaseReleased);
                _held[sessionKey] = lease;
                return lease;
            }

            var remaining = _options.LockWaitTimeout - _timeProvider.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                _signals.Leave(sessionKey, signal);
                throw new TimeoutException(
                    $"The session's refresh lock was held by another instance for longer than LockWaitTimeout ({_options.LockWaitTimeout}). The session is kept.");
            }

            if (!logged)
            {
                RedisLog.LockWaiting(_logger, sessionKey);
                logged = true;
            }

            // Sleep until a wake-up, the holder's lease runs out, or the fallback poll: whichever comes first.
            var wait = result > 0 ? TimeSpan.FromMilliseconds(result) : RedisDefaults.MinLockPoll;
            wait = wait < RedisDefaults.MinLockPoll ? RedisDefaults.MinLockPoll : wait > _options.MaxLockPoll ? _options.MaxLockPoll : wait;
            wait = wait > remaining ? remaining : wait;
            try
            {
                await signal.Task.WaitAsync(wait, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // The fallback poll: try again.
            }
            catch (OperationCanceledException)
            {
                _signals.Leave(sessionKey, signal);
                throw;
            }
        }
    }

    /// <summary>Stops lease renewals (the leases lapse by themselves) and the subscription.</summary>
    /// <returns>A task that completes when done.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _redis.ConnectionRestored -= OnConnectionRestored;
        foreach (var lease in _held.Values)
        {
            await lease.DisposeAsync().ConfigureAwait(false);
        }

        if (_subscribed)
        {
            try
            {
                await _redis.GetSubscriber().UnsubscribeAsync(_channel, OnMessage).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // The connection is going away anyway.
            }
        }

        _signals.FireAll();
        _subscribeGate.Dispose();
    }

    /// <summary>Stops lease renewals and the subscription.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async ValueTask<bool> CompareAndSwapAsync(
        string key,
        string mode,
        Session? expected,
        string newVersion,
        string newFingerprint,
        RedisValue payload,
        RedisValue lifetimeMs,
        long versionForLog,
        CancellationToken cancellationToken)
    {
        var redisKey = GetRedisKey(key);
        RedisKey[] keys = [redisKey, redisKey + ":lock"];
        var fence = _held.TryGetValue(key, out var lease) ? lease.Owner : string.Empty;
        RedisValue[] args =
        [
            mode,
            expected is null ? string.Empty : SessionCodec.VersionText(expected),
            expected is null ? string.Empty : SessionCodec.Fingerprint(expected),
            fence,
            newVersion,
            newFingerprint,
            payload,
            lifetimeMs,
            _channelName,
            key,
        ];

        var started = _timeProvider.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            long result;
            try
            {
                result = (long)await _database.ScriptEvaluateAsync(RedisScripts.CompareAndSwap, keys, args).ConfigureAwait(false);
            }
            catch (Exception ex) when (RedisErrors.IsWrongType(ex))
            {
                throw await UnusableAsync(key, redisKey, RedisValue.Null, TokenStoreProblem.Corrupt, "the key holds another Redis type than a SessionKit hash", ex).ConfigureAwait(false);
            }
            catch (Exception ex) when (RedisErrors.IsUnavailable(ex))
            {
                var elapsed = _timeProvider.GetElapsedTime(started);
                if (elapsed + delay > _options.WriteRetryTimeout || cancellationToken.IsCancellationRequested)
                {
                    if (mode == SessionCodec.SessionState && expected is not null)
                    {
                        RedisLog.RotatedSessionNotStored(_logger, key, versionForLog, RedisErrors.WithoutKeys(ex));
                    }

                    throw Unavailable(key, redisKey, "compare-and-swap", ex);
                }

                await Task.Delay(delay, _timeProvider, CancellationToken.None).ConfigureAwait(false);
                delay = delay * 2 > TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : delay * 2;
                continue;
            }

            switch (result)
            {
                case RedisScripts.Done:
                    return true;
                case RedisScripts.Fenced:
                    RedisLog.WriteFenced(_logger, key);
                    return false;
                case RedisScripts.Foreign:
                    throw await UnusableAsync(key, redisKey, RedisValue.Null, TokenStoreProblem.Corrupt, "the hash is not a SessionKit entry", null).ConfigureAwait(false);
                default:
                    return false;
            }
        }
    }

    /// <summary>No SessionKit fields: the key holds nothing (the common case), or a hash of something else.</summary>
    private async ValueTask<Session?> NothingOrForeignAsync(string key, string redisKey)
    {
        bool exists;
        try
        {
            exists = await _database.KeyExistsAsync(redisKey).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisErrors.IsUnavailable(ex))
        {
            throw Unavailable(key, redisKey, "read", ex);
        }

        return exists
            ? throw await UnusableAsync(key, redisKey, RedisValue.Null, TokenStoreProblem.Corrupt, "the hash is not a SessionKit entry", null).ConfigureAwait(false)
            : null;
    }

    private void Remember(string key, string version, string fingerprint, Session session)
    {
        if (_cache.Count >= RedisDefaults.MaxCachedSessions && !_cache.ContainsKey(key))
        {
            // Bounded memory: start over (each entry is only a decryption saved).
            _cache.Clear();
        }

        _cache[key] = new CachedSession(version, fingerprint, session);
    }

    private async Task<TokenStoreException> UnusableAsync(string key, string redisKey, RedisValue found, TokenStoreProblem problem, string why, Exception? cause)
    {
        _cache.TryRemove(key, out _);
        var quarantineKey = redisKey + ":quarantine:" + Guid.NewGuid().ToString("N");
        var moved = false;
        try
        {
            moved = (long)await _database.ScriptEvaluateAsync(RedisScripts.Quarantine, [redisKey, quarantineKey], [found.IsNull ? RedisValue.EmptyString : found, _entryLifetimeMs]).ConfigureAwait(false) == 1;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Left in place: the next read reports it again.
        }

        var keptAside = moved ? quarantineKey : null;
        RedisLog.EntryUnusable(_logger, key, problem, why, keptAside);
        var where = moved ? "It was kept aside under the key named in KeptAsidePath for inspection" : "It was left in place";
        return new TokenStoreException(problem, redisKey, keptAside, $"The session stored in Redis is unusable: {why}. {where}; sign in again.", cause)
        {
            SessionKey = key,
        };
    }

    private TokenStoreException Unavailable(string key, string redisKey, string operation, Exception cause)
    {
        var withoutKeys = RedisErrors.WithoutKeys(cause);
        RedisLog.Unavailable(_logger, key, operation, withoutKeys);
        return RedisErrors.Unavailable(key, redisKey, operation, withoutKeys);
    }

    private async ValueTask EnsureSubscribedAsync()
    {
        if (_subscribed)
        {
            return;
        }

        await _subscribeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!_subscribed)
            {
                await _redis.GetSubscriber().SubscribeAsync(_channel, OnMessage).ConfigureAwait(false);
                _subscribed = true;
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Waiters poll meanwhile; the next acquisition tries again.
            RedisLog.SubscribeFailed(_logger, RedisErrors.WithoutKeys(ex));
        }
        finally
        {
            _subscribeGate.Release();
        }
    }

    private void OnMessage(RedisChannel channel, RedisValue message)
    {
        if (!message.IsNullOrEmpty)
        {
            _signals.Fire((string)message!);
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e) => _signals.FireAll();

    private void OnLeaseReleased(RedisLease lease) =>
        _held.TryRemove(new KeyValuePair<string, RedisLease>(lease.SessionKey, lease));
}
