// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Redis.Internal;

/// <summary>Constants of the Redis store.</summary>
internal static class RedisDefaults
{
    /// <summary>The Data Protection purpose chain's root; the key prefix is added so each store has its own purpose.</summary>
    public const string ProtectorPurpose = "SessionKit.Redis.RedisTokenStore.v1";

    /// <summary>The longest a lock waiter sleeps between attempts when no wake-up arrives (a lost message, a lapsed lease).</summary>
    public static readonly TimeSpan MaxLockPoll = TimeSpan.FromMilliseconds(500);

    /// <summary>The shortest pause between two attempts to take a lock whose lease is about to lapse.</summary>
    public static readonly TimeSpan MinLockPoll = TimeSpan.FromMilliseconds(5);

    /// <summary>How many decrypted sessions the store remembers (each validated against Redis on every read).</summary>
    public const int MaxCachedSessions = 10_000;
}
