// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using SessionKit.Internal;
using SessionKit.Redis.Internal;

namespace SessionKit.Redis;

/// <summary>Configuration of a <see cref="RedisTokenStore"/>.</summary>
/// <remarks>Validated when the host starts (see <c>AddSessionKitRedisStore</c>); each message names the field at fault.</remarks>
public sealed class RedisTokenStoreOptions
{
    /// <summary>Gets or sets the prefix of every Redis key and of the pub/sub channel the store uses.</summary>
    /// <value>
    /// Defaults to <c>sessionkit:</c>. 1 to 100 characters without <c>{</c> or <c>}</c> (the session key is wrapped in a
    /// Redis Cluster hash tag so that a session and its lock live in one slot). Two applications sharing a Redis use
    /// different prefixes; the prefix is also part of the Data Protection purpose.
    /// </value>
    public string KeyPrefix { get; set; } = "sessionkit:";

    /// <summary>The valid lengths of <see cref="KeyPrefix"/>.</summary>
    internal static readonly ValueRange<int> KeyPrefixLength = new(1, 100);

    /// <summary>Gets or sets how long a session lives in Redis after it was last written (signed in or rotated).</summary>
    /// <value>
    /// Defaults to 30 days. Set it to the refresh token's lifetime on your server: a session nobody used for that long expires
    /// from Redis by itself. Sliding: every rotation starts it again. From 1 minute to 3,650 days.
    /// </value>
    public TimeSpan EntryLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The valid values of <see cref="EntryLifetime"/>.</summary>
    internal static readonly ValueRange<TimeSpan> EntryLifetimeRange = new(TimeSpan.FromMinutes(1), TimeSpan.FromDays(3650));

    /// <summary>Gets or sets how long a tombstone (why a session ended) stays in Redis before it expires.</summary>
    /// <value>
    /// Defaults to 7 days. From 1 second to 3,650 days. A tombstone that expired turns a later <see cref="SessionEndedException"/>
    /// for that key into a <see cref="SessionRequiredException"/>.
    /// </value>
    public TimeSpan EndLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The valid values of <see cref="EndLifetime"/>.</summary>
    internal static readonly ValueRange<TimeSpan> EndLifetimeRange = new(TimeSpan.FromSeconds(1), TimeSpan.FromDays(3650));

    /// <summary>Gets or sets the lease of the per-session refresh lock: how long it outlives an instance that died holding it.</summary>
    /// <value>
    /// Defaults to 10 seconds. The holder renews it every third of the lease while its refresh runs, so a long refresh keeps
    /// it; an instance that crashes holding it blocks the session's refresh for at most this long. From 500 milliseconds to 5 minutes;
    /// with <see cref="Configuration"/> set, also longer than <see cref="OperationTimeout"/>.
    /// </value>
    public TimeSpan LockLease { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The valid values of <see cref="LockLease"/>.</summary>
    internal static readonly ValueRange<TimeSpan> LockLeaseRange = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(5));

    /// <summary>Gets or sets how long to wait for another instance's refresh lock before failing with a transient error.</summary>
    /// <value>
    /// Defaults to 30 seconds. From 10 milliseconds to 10 minutes. The coordinator's <c>RefreshOptions.TotalTimeout</c> bounds
    /// the wait too. Waiters wake when the holder releases the lock or the session changes, not by polling.
    /// </value>
    public TimeSpan LockWaitTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The valid values of <see cref="LockWaitTimeout"/>.</summary>
    internal static readonly ValueRange<TimeSpan> LockWaitTimeoutRange = new(TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10));

    /// <summary>
    /// Gets or sets the timeout of one Redis command when the store creates its own connection from
    /// <see cref="Configuration"/> (StackExchange.Redis <c>asyncTimeout</c>/<c>syncTimeout</c>).
    /// </summary>
    /// <value>Defaults to 5 seconds. From 10 milliseconds to 5 minutes. A connection taken from DI keeps its own settings.</value>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The valid values of <see cref="OperationTimeout"/>.</summary>
    internal static readonly ValueRange<TimeSpan> OperationTimeoutRange = new(TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(5));

    /// <summary>Gets or sets the connect timeout when the store creates its own connection from <see cref="Configuration"/>.</summary>
    /// <value>Defaults to 5 seconds. From 10 milliseconds to 5 minutes.</value>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The valid values of <see cref="ConnectTimeout"/>.</summary>
    internal static readonly ValueRange<TimeSpan> ConnectTimeoutRange = new(TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(5));

    /// <summary>
    /// Gets or sets how long the compare-and-swap that stores a rotated session keeps retrying through a Redis outage before it
    /// gives up with a transient <see cref="TokenStoreException"/>.
    /// </summary>
    /// <value>
    /// Defaults to 5 seconds; zero tries once. From zero to 5 minutes. When it gives up, the stored session keeps the parent
    /// refresh token, which the next refresh sends again (GoTrue answers a resent parent with the active session).
    /// </value>
    public TimeSpan WriteRetryTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The valid values of <see cref="WriteRetryTimeout"/>.</summary>
    internal static readonly ValueRange<TimeSpan> WriteRetryTimeoutRange = new(TimeSpan.Zero, TimeSpan.FromMinutes(5));

    /// <summary>Gets or sets the Redis database number.</summary>
    /// <value>Defaults to -1: the connection's default database. From -1 to 15.</value>
    public int Database { get; set; } = -1;

    /// <summary>The valid values of <see cref="Database"/>.</summary>
    internal static readonly ValueRange<int> DatabaseRange = new(-1, 15);

    /// <summary>
    /// Gets or sets a StackExchange.Redis configuration string (for example <c>redis1:6379,redis2:6379,password=...</c>): when
    /// set, the store opens its own connection instead of using an <c>IConnectionMultiplexer</c> registered in DI.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>. Not blank when set. The connection never aborts on a failed first connect: it keeps retrying.</value>
    public string? Configuration { get; set; }

    /// <summary>Gets or sets the longest a lock waiter sleeps between attempts when no wake-up arrives (tests raise it to prove the wake-ups).</summary>
    internal TimeSpan MaxLockPoll { get; set; } = RedisDefaults.MaxLockPoll;
}
