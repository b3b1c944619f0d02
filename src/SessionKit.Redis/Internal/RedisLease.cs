// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace SessionKit.Redis.Internal;

/// <summary>
/// A held refresh lock: a Redis key with a random owner value and a lease, renewed every third of the lease while held, and
/// released by compare-and-delete (never another owner's lock). Dispose it to release.
/// </summary>
internal sealed class RedisLease : IAsyncDisposable
{
    private readonly IDatabase _database;
    private readonly RedisKey _lockKey;
    private readonly RedisValue _lease;
    private readonly RedisValue _channel;
    private readonly ILogger _logger;
    private readonly Action<RedisLease> _onReleased;
    private readonly ITimer _renewal;
    private int _renewing;
    private int _released;

    public RedisLease(IDatabase database, string sessionKey, RedisKey lockKey, string owner, TimeSpan lease, RedisChannel channel, TimeProvider timeProvider, ILogger logger, Action<RedisLease> onReleased)
    {
        _database = database;
        SessionKey = sessionKey;
        _lockKey = lockKey;
        Owner = owner;
        _lease = (long)lease.TotalMilliseconds;
        _channel = channel.ToString();
        _logger = logger;
        _onReleased = onReleased;
        var period = lease / 3;
        _renewal = timeProvider.CreateTimer(static state => ((RedisLease)state!).Renew(), this, period, period);
    }

    public string SessionKey { get; }

    /// <summary>Gets the random value that identifies this holder in Redis.</summary>
    public string Owner { get; }

    /// <summary>Gets a value indicating whether the lease was found taken by another owner (it lapsed while this instance was stalled).</summary>
    public bool Lost { get; private set; }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _released, 1) == 1)
        {
            return;
        }

        await _renewal.DisposeAsync().ConfigureAwait(false);
        _onReleased(this);
        try
        {
            await _database.ScriptEvaluateAsync(RedisScripts.Release, [_lockKey], [Owner, _channel, SessionKey]).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // The lease lapses by itself; waiters poll until then.
            RedisLog.LockCleanupFailed(_logger, SessionKey, RedisErrors.WithoutKeys(ex));
        }
    }

    private async void Renew()
    {
        // One renewal at a time; a slow one is not stacked on.
        if (Volatile.Read(ref _released) == 1 || Interlocked.Exchange(ref _renewing, 1) == 1)
        {
            return;
        }

        try
        {
            var renewed = (long)await _database.ScriptEvaluateAsync(RedisScripts.Renew, [_lockKey], [Owner, _lease]).ConfigureAwait(false);
            if (renewed == 0 && Volatile.Read(ref _released) == 0 && !Lost)
            {
                Lost = true;
                RedisLog.LeaseLost(_logger, SessionKey);
            }
        }
        catch (Exception ex)
        {
            RedisLog.LockCleanupFailed(_logger, SessionKey, RedisErrors.WithoutKeys(ex));
        }
        finally
        {
            Volatile.Write(ref _renewing, 0);
        }
    }
}
