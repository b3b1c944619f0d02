// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Redis.Internal;

/// <summary>
/// The Lua scripts of the store. Each runs atomically on the server: no read-modify-write race between instances. A session
/// key is a hash with the fields <c>s</c> (state: <c>s</c> session, <c>e</c> tombstone), <c>v</c> (version), <c>f</c>
/// (fingerprint of the tokens, or the tombstone's id) and <c>d</c> (the Data Protection payload).
/// </summary>
/// <remarks>StackExchange.Redis sends them by SHA and falls back to the source after a restart (<c>NOSCRIPT</c>).</remarks>
internal static class RedisScripts
{
    /// <summary>Script result: the change was made.</summary>
    public const long Done = 1;

    /// <summary>Script result: the stored entry did not match the expected one.</summary>
    public const long Mismatch = 0;

    /// <summary>Script result: another owner holds the refresh lock this instance held (the fence).</summary>
    public const long Fenced = -1;

    /// <summary>Script result: the key holds a hash that is not a SessionKit entry.</summary>
    public const long Foreign = -2;

    /// <summary>
    /// Compare-and-swap. KEYS: entry, lock. ARGV: mode (<c>s</c> store a session, <c>e</c> store a tombstone, <c>d</c> delete),
    /// expected version (empty: no session expected), expected fingerprint, fence owner (empty: none), new version, new
    /// fingerprint (or tombstone id), new payload, lifetime in ms, channel, message.
    /// A retry of a swap that already landed (its answer was lost) finds the new entry and answers Done.
    /// </summary>
    public const string CompareAndSwap = """
        local cur = redis.call('HMGET', KEYS[1], 's', 'v', 'f')
        local st = cur[1]
        if st and st ~= 's' and st ~= 'e' then return -2 end
        if (ARGV[1] == 's' and st == 's') or (ARGV[1] == 'e' and st == 'e') then
          if cur[2] == ARGV[5] and cur[3] == ARGV[6] then return 1 end
        end
        if ARGV[2] == '' then
          if st == 's' then return 0 end
        elseif st ~= 's' or cur[2] ~= ARGV[2] or cur[3] ~= ARGV[3] then
          return 0
        end
        if ARGV[4] ~= '' then
          local holder = redis.call('GET', KEYS[2])
          if holder and holder ~= ARGV[4] then return -1 end
        end
        if ARGV[1] == 'd' then
          redis.call('DEL', KEYS[1])
        else
          redis.call('HSET', KEYS[1], 's', ARGV[1], 'v', ARGV[5], 'f', ARGV[6], 'd', ARGV[7])
          redis.call('PEXPIRE', KEYS[1], ARGV[8])
        end
        redis.call('PUBLISH', ARGV[9], ARGV[10])
        return 1
        """;

    /// <summary>Unconditional write of a session (a sign-in). KEYS: entry. ARGV: version, fingerprint, payload, lifetime in ms, channel, message.</summary>
    public const string Set = """
        redis.call('DEL', KEYS[1])
        redis.call('HSET', KEYS[1], 's', 's', 'v', ARGV[1], 'f', ARGV[2], 'd', ARGV[3])
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        redis.call('PUBLISH', ARGV[5], ARGV[6])
        return 1
        """;

    /// <summary>Unconditional removal. KEYS: entry. ARGV: channel, message.</summary>
    public const string Remove = """
        local n = redis.call('DEL', KEYS[1])
        redis.call('PUBLISH', ARGV[1], ARGV[2])
        return n
        """;

    /// <summary>
    /// Takes the lock if free. KEYS: lock, entry. ARGV: owner, lease in ms, the entry's version and fingerprint seen when the
    /// wait began (empty on the first attempt). Returns <c>{-3}</c> when taken; <c>{-4}</c> when the entry changed since the
    /// wait began (the holder rotated or ended the session: nothing is left to refresh); else <c>{the holder's remaining lease
    /// in ms, version, fingerprint}</c>, so a waiter sleeps no longer than the lease can last.
    /// </summary>
    public const string Acquire = """
        local cur = redis.call('HMGET', KEYS[2], 'v', 'f')
        local seen = (cur[1] or '') .. '|' .. (cur[2] or '')
        if ARGV[3] ~= '' and seen ~= ARGV[3] then return {-4} end
        if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return {-3} end
        return {redis.call('PTTL', KEYS[1]), seen}
        """;

    /// <summary>Extends the lease if still owned. KEYS: lock. ARGV: owner, lease in ms. Returns 1 when renewed, 0 when lost.</summary>
    public const string Renew = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        return 0
        """;

    /// <summary>Compare-and-delete: releases the lock only if still owned, and wakes the waiters. KEYS: lock. ARGV: owner, channel, message.</summary>
    public const string Release = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          redis.call('DEL', KEYS[1])
          redis.call('PUBLISH', ARGV[2], ARGV[3])
          return 1
        end
        return 0
        """;

    /// <summary>
    /// Moves an unusable entry aside, only if it is still the value that was found unusable (so a fresh sign-in written
    /// meanwhile is never moved). KEYS: entry, quarantine. ARGV: the payload found (empty: the key held another type or
    /// shape), lifetime in ms. Returns 1 when moved.
    /// </summary>
    public const string Quarantine = """
        local t = redis.call('TYPE', KEYS[1])['ok']
        if t == 'none' then return 0 end
        if t == 'hash' then
          local st = redis.call('HGET', KEYS[1], 's')
          local d = redis.call('HGET', KEYS[1], 'd')
          if (st == 's' or st == 'e') and d and d ~= '' then
            if ARGV[1] == '' or d ~= ARGV[1] then return 0 end
          end
        end
        redis.call('RENAME', KEYS[1], KEYS[2])
        redis.call('PEXPIRE', KEYS[2], ARGV[2])
        return 1
        """;
}
