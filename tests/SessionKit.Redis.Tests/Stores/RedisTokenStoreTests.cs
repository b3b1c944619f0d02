// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging.Testing;
using SessionKit.Redis.Tests.Support;
using StackExchange.Redis;

namespace SessionKit.Redis.Tests.Stores;

/// <summary>The store against a real redis-server: compare-and-swap between instances, tombstones, Data Protection, bad values.</summary>
[TestFixture]
[Category("Redis")]
[NonParallelizable]
[CancelAfter(60_000)]
public sealed class RedisTokenStoreTests : RedisTestBase
{
    [Test]
    public async Task TryReplaceAsync_TwoInstancesRace_ExactlyOneWinsEachRound()
    {
        var a = await CreateStoreAsync();
        var b = await CreateStoreAsync();
        var current = Sessions.Make();
        await a.SetAsync("k", current, CancellationToken.None);

        for (var round = 0; round < 100; round++)
        {
            var fromA = Sessions.Next(current);
            var fromB = Sessions.Next(current);
            var results = await Task.WhenAll(
                Task.Run(async () => await a.TryReplaceAsync("k", current, fromA, CancellationToken.None)),
                Task.Run(async () => await b.TryReplaceAsync("k", current, fromB, CancellationToken.None)));

            Assert.That(results.Count(r => r), Is.EqualTo(1), $"round {round}: exactly one swap lands");
            var winner = results[0] ? fromA : fromB;
            var seenByA = await a.GetAsync("k", CancellationToken.None);
            var seenByB = await b.GetAsync("k", CancellationToken.None);
            Assert.That(seenByA!.RefreshToken, Is.EqualTo(winner.RefreshToken));
            Assert.That(seenByB!.RefreshToken, Is.EqualTo(winner.RefreshToken));
            current = winner;
        }

        Assert.That((await a.GetAsync("k", CancellationToken.None))!.Version, Is.EqualTo(100));
    }

    [Test]
    public async Task TryReplaceAsync_StaleExpected_ReturnsFalseAndKeepsStored()
    {
        var sut = await CreateStoreAsync();
        var v0 = Sessions.Make();
        var v1 = Sessions.Next(v0);
        await sut.SetAsync("k", v0, CancellationToken.None);
        Assert.That(await sut.TryReplaceAsync("k", v0, v1, CancellationToken.None), Is.True);

        Assert.Multiple(async () =>
        {
            Assert.That(await sut.TryReplaceAsync("k", v0, Sessions.Next(v0), CancellationToken.None), Is.False, "same version, other tokens");
            Assert.That(await sut.TryReplaceAsync("k", null, Sessions.Make(), CancellationToken.None), Is.False, "a session is stored");
            Assert.That((await sut.GetAsync("k", CancellationToken.None))!.RefreshToken, Is.EqualTo(v1.RefreshToken));
        });
    }

    [Test]
    public async Task TryReplaceAsync_NullExpectedOverTombstone_ReplacesIt()
    {
        var sut = await CreateStoreAsync();
        var v0 = Sessions.Make();
        await sut.SetAsync("k", v0, CancellationToken.None);
        await sut.TryEndAsync("k", v0, SessionEnd.Create(SessionEndReason.SignedOut, DateTimeOffset.UnixEpoch), CancellationToken.None);

        var fresh = Sessions.Make();
        Assert.That(await sut.TryReplaceAsync("k", null, fresh, CancellationToken.None), Is.True);
        Assert.That(await sut.GetEndAsync("k", CancellationToken.None), Is.Null);
        Assert.That((await sut.GetAsync("k", CancellationToken.None))!.RefreshToken, Is.EqualTo(fresh.RefreshToken));
    }

    [Test]
    public async Task TryReplaceAsync_NullReplacement_RemovesOnlyWhenExpectedMatches()
    {
        var sut = await CreateStoreAsync();
        var v0 = Sessions.Make();
        await sut.SetAsync("k", v0, CancellationToken.None);

        Assert.That(await sut.TryReplaceAsync("k", Sessions.Make(), null, CancellationToken.None), Is.False);
        Assert.That(await sut.TryReplaceAsync("k", v0, null, CancellationToken.None), Is.True);
        Assert.That(await sut.GetAsync("k", CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task TryEndAsync_OnOneInstance_TombstoneVisibleOnAnotherUntilSignIn()
    {
        var a = await CreateStoreAsync();
        var b = await CreateStoreAsync();
        var v0 = Sessions.Make();
        await a.SetAsync("k", v0, CancellationToken.None);
        Assert.That(await b.GetAsync("k", CancellationToken.None), Is.Not.Null, "b has read (and cached) the session");

        var end = SessionEnd.Create(SessionEndReason.RefreshTokenAlreadyUsed, DateTimeOffset.UnixEpoch.AddYears(55), v0.UserId, "refresh_token_already_used", "Invalid Refresh Token: Already Used");
        Assert.That(await a.TryEndAsync("k", v0, end, CancellationToken.None), Is.True);
        Assert.That(await a.TryEndAsync("k", v0, end, CancellationToken.None), Is.True, "a retry of the same end (its answer lost) answers true");
        Assert.That(await b.TryEndAsync("k", v0, SessionEnd.Create(SessionEndReason.SignedOut, DateTimeOffset.UnixEpoch), CancellationToken.None), Is.False);

        var seen = await b.GetEndAsync("k", CancellationToken.None);
        Assert.Multiple(async () =>
        {
            Assert.That(await b.GetAsync("k", CancellationToken.None), Is.Null, "b's cache does not outlive the end");
            Assert.That(seen!.Id, Is.EqualTo(end.Id));
            Assert.That(seen.Reason, Is.EqualTo(SessionEndReason.RefreshTokenAlreadyUsed));
            Assert.That(seen.UserId, Is.EqualTo(v0.UserId));
            Assert.That(seen.ErrorCode, Is.EqualTo("refresh_token_already_used"));
            Assert.That(seen.ErrorDescription, Is.EqualTo(end.ErrorDescription));
            Assert.That(seen.EndedAt, Is.EqualTo(end.EndedAt));
        });

        await b.SetAsync("k", Sessions.Make(), CancellationToken.None);
        Assert.That(await a.GetEndAsync("k", CancellationToken.None), Is.Null, "a sign-in replaces the tombstone");
        await a.RemoveAsync("k", CancellationToken.None);
        Assert.That(await b.GetAsync("k", CancellationToken.None), Is.Null);
    }

    [Test]
    public async Task SetAsync_RawRedisValue_HoldsNoTokenNorUserId()
    {
        var sut = await CreateStoreAsync();
        var session = Sessions.Make();
        await sut.SetAsync("k", session, CancellationToken.None);
        await sut.TryEndAsync("other", session, SessionEnd.Create(SessionEndReason.SignedOut, DateTimeOffset.UnixEpoch, session.UserId), CancellationToken.None);
        await sut.SetAsync("other", session, CancellationToken.None);
        var v1 = Sessions.Next(session);
        await sut.TryReplaceAsync("other", session, v1, CancellationToken.None);
        await sut.TryEndAsync("other", v1, SessionEnd.Create(SessionEndReason.SignedOut, DateTimeOffset.UnixEpoch, session.UserId), CancellationToken.None);

        var raw = await RawAsync();
        var server = raw.Multiplexer.GetServer(Redis.Configuration);
        var dump = new StringBuilder();
        foreach (var key in server.Keys(pattern: Prefix + "*"))
        {
            dump.Append(key).Append(' ');
            foreach (var field in await raw.HashGetAllAsync(key))
            {
                dump.Append(field.Name).Append('=').Append(Encoding.Latin1.GetString((byte[])field.Value!)).Append(' ');
            }
        }

        var aof = string.Concat(Redis.Directory.EnumerateFiles("*", SearchOption.AllDirectories).Select(f => File.ReadAllText(f.FullName, Encoding.Latin1)));
        Assert.Multiple(() =>
        {
            Assert.That(dump.ToString(), Does.Contain(Prefix + "{k}"));
            foreach (var secret in new[] { session.AccessToken, session.RefreshToken!, v1.AccessToken, v1.RefreshToken!, session.UserId! })
            {
                Assert.That(dump.ToString(), Does.Not.Contain(secret), "a dump shows no token and no user id");
                Assert.That(aof, Does.Not.Contain(secret), "nor does the append-only file");
            }
        });
    }

    [Test]
    public async Task GetAsync_OtherDataProtectionKeyRing_TypedWrongKeyKeptAside()
    {
        var writer = await CreateStoreAsync();
        var session = Sessions.Make();
        await writer.SetAsync("k", session, CancellationToken.None);
        var otherKeys = Directory.CreateTempSubdirectory("sessionkit-dp-other-");
        try
        {
            var reader = await CreateStoreAsync(dataProtection: TestDataProtection.Create(otherKeys));

            var ex = Assert.ThrowsAsync<TokenStoreException>(async () => await reader.GetAsync("k", CancellationToken.None));

            var raw = await RawAsync();
            Assert.Multiple(async () =>
            {
                Assert.That(ex!.Problem, Is.EqualTo(TokenStoreProblem.WrongKey));
                Assert.That(ex.IsTransient, Is.False);
                Assert.That(ex.SessionKey, Is.EqualTo("k"));
                Assert.That(ex.FilePath, Is.EqualTo(Prefix + "{k}"));
                Assert.That(ex.Message, Does.Contain("Data Protection").And.Not.Contain("{k}"), "the key is on the exception, not in its message (personal data)");
                Assert.That(ex.Message, Does.Not.Contain(session.RefreshToken!).And.Not.Contain(session.AccessToken));
                Assert.That(ex.KeptAsidePath, Does.StartWith(Prefix + "{k}:quarantine:"));
                Assert.That(await raw.KeyExistsAsync(ex.KeptAsidePath), Is.True, "kept aside for inspection");
                Assert.That(await raw.KeyExistsAsync(Prefix + "{k}"), Is.False);
                Assert.That(await reader.GetAsync("k", CancellationToken.None), Is.Null, "the next read finds no session: sign in again");
            });
        }
        finally
        {
            otherKeys.Delete(recursive: true);
        }
    }

    [TestCase("garbage-payload")]
    [TestCase("foreign-hash")]
    [TestCase("string-value")]
    [TestCase("missing-fields")]
    [TestCase("tampered-fingerprint")]
    [TestCase("copied-from-other-key")]
    public async Task GetAsync_UnusableValue_TypedErrorNamingKeyAndKeptAside(string kind)
    {
        var sut = await CreateStoreAsync();
        var raw = await RawAsync();
        RedisKey key = Prefix + "{k}";
        var expected = TokenStoreProblem.Corrupt;
        switch (kind)
        {
            case "garbage-payload":
                await raw.HashSetAsync(key, [new("s", "s"), new("v", "0"), new("f", "00"), new("d", new byte[] { 1, 2, 3 })]);
                expected = TokenStoreProblem.WrongKey;
                break;
            case "foreign-hash":
                await raw.HashSetAsync(key, [new("name", "someone else's data")]);
                break;
            case "string-value":
                await raw.StringSetAsync(key, "a cache entry of another library");
                break;
            case "missing-fields":
                await raw.HashSetAsync(key, [new("s", "s"), new("d", "x")]);
                break;
            case "tampered-fingerprint":
                await sut.SetAsync("k", Sessions.Make(), CancellationToken.None);
                await raw.HashSetAsync(key, "f", "0123456789ABCDEF0123456789ABCDEF");
                break;
            case "copied-from-other-key":
                await sut.SetAsync("other", Sessions.Make(), CancellationToken.None);
                await raw.KeyCopyAsync(Prefix + "{other}", key);
                expected = TokenStoreProblem.CopiedFromElsewhere;
                break;
        }

        var reader = await CreateStoreAsync();
        var ex = Assert.ThrowsAsync<TokenStoreException>(async () => await reader.GetAsync("k", CancellationToken.None));

        Assert.Multiple(async () =>
        {
            Assert.That(ex!.Problem, Is.EqualTo(expected));
            Assert.That(ex.FilePath, Is.EqualTo((string)key!));
            Assert.That(ex.Message, Does.Not.Contain((string)key!), "the key is on the exception, not in its message (personal data)");
            Assert.That(ex.KeptAsidePath, Is.Not.Null);
            Assert.That(await raw.KeyExistsAsync(ex.KeptAsidePath), Is.True);
            Assert.That(await raw.KeyExistsAsync(key), Is.False);
            Assert.That(await reader.GetAsync("k", CancellationToken.None), Is.Null);
        });
    }

    [Test]
    public async Task Logs_PersonalKeyInAnUnusableEntry_ShownOnlyAsAHashEvenInTheKeptAsideName()
    {
        // Keys are built from user ids (personal data): the log shows a hash in place of the key, also inside the name of the
        // entry kept aside, which embeds it.
        const string personalKey = "user:margaret@example.test";
        var logs = new FakeLogCollector();
        var sut = await CreateStoreAsync(logger: new FakeLogger<RedisTokenStore>(logs));
        await (await RawAsync()).StringSetAsync(Prefix + "{" + personalKey + "}", "a cache entry of another library");

        var ex = Assert.ThrowsAsync<TokenStoreException>(async () => await sut.GetAsync(personalKey, CancellationToken.None));

        var record = logs.GetSnapshot().Single(r => r.Id.Name == "RedisEntryUnusable");
        var text = record.Message + "|" + string.Join("|", record.StructuredState!.Select(kv => kv.Value));
        var hash = SessionKit.Internal.SessionKeyHash.Of(personalKey);
        Assert.Multiple(() =>
        {
            Assert.That(ex!.KeptAsidePath, Does.Contain(personalKey), "the exception's properties name the entry, for the app");
            Assert.That(text, Does.Not.Contain("margaret"));
            Assert.That(record.Message, Does.StartWith($"The Redis entry of session '{hash}' is unusable").And.Contain("{" + hash + "}:quarantine:"));
        });
    }

    [Test]
    public async Task GetAndSetAsync_RedisTimesOut_PersonalKeyNotInLogsNorExceptionText()
    {
        // StackExchange.Redis names commands and their keys in its exception messages (a timeout's "next: HMGET
        // <prefix>{user:margaret@example.test}"): neither the log (its exception included) nor the store's exception text (its
        // inner exceptions included) may repeat them.
        const string personalKey = "user:margaret@example.test";
        var options = ConfigurationOptions.Parse(Redis.Configuration);
        options.AsyncTimeout = 200;
        options.HeartbeatInterval = TimeSpan.FromMilliseconds(100);
        var connection = await ConnectionMultiplexer.ConnectAsync(options);
        OnTearDown(connection);
        var logs = new FakeLogCollector();
        var sut = new RedisTokenStore(connection, DataProtection, new RedisTokenStoreOptions { KeyPrefix = Prefix }, logger: new FakeLogger<RedisTokenStore>(logs));
        OnTearDown(sut);
        // The pause must outlast both timeouts, which the client notices on its heartbeat (every 100 ms here, later on a loaded
        // machine). A pause blocks CLIENT UNPAUSE too, so it simply runs out; 5 s is ten times what the timeouts take.
        await Redis.CommandAsync("CLIENT PAUSE 5000 ALL");
        TokenStoreException[] errors;
        try
        {
            var get = sut.GetAsync(personalKey, CancellationToken.None).AsTask();
            var set = sut.SetAsync(personalKey, new Session { AccessToken = "a", RefreshToken = "r", ExpiresAt = DateTimeOffset.MaxValue }, CancellationToken.None).AsTask();
            errors =
            [
                Assert.ThrowsAsync<TokenStoreException>(async () => await get)!,
                Assert.ThrowsAsync<TokenStoreException>(async () => await set)!,
            ];
        }
        finally
        {
            await Redis.CommandAsync("CLIENT UNPAUSE");
        }

        var records = logs.GetSnapshot();
        Assert.Multiple(() =>
        {
            Assert.That(errors.Select(e => e.IsTransient), Is.All.True);
            Assert.That(errors.Select(e => e.SessionKey), Is.All.EqualTo(personalKey), "the exception's properties name the session, for the app");
            Assert.That(errors.Select(e => e.InnerException), Is.All.InstanceOf<RedisTimeoutException>(), "the client's error is still there, without the key");
            Assert.That(records.Select(r => r.Id.Name), Is.EqualTo(new[] { "RedisUnavailable", "RedisUnavailable" }));
            foreach (var error in errors)
            {
                Assert.That(error.ToString(), Does.Not.Contain("margaret"), "the exception's text, inner exceptions included");
            }

            foreach (var record in records)
            {
                var text = record.Message + "|" + string.Join("|", record.StructuredState!.Select(kv => kv.Value)) + "|" + record.Exception;
                Assert.That(text, Does.Not.Contain("margaret"), "the log, its exception included");
            }
        });
    }

    [Test]
    public async Task TryReplaceAsync_ForeignValue_TypedErrorKeptAside()
    {
        var sut = await CreateStoreAsync();
        var raw = await RawAsync();
        await raw.ListRightPushAsync(Prefix + "{k}", "x");

        var ex = Assert.ThrowsAsync<TokenStoreException>(async () => await sut.TryReplaceAsync("k", null, Sessions.Make(), CancellationToken.None));

        Assert.That(ex!.Problem, Is.EqualTo(TokenStoreProblem.Corrupt));
        Assert.That(await raw.KeyExistsAsync(ex.KeptAsidePath), Is.True);
        Assert.That(await sut.TryReplaceAsync("k", null, Sessions.Make(), CancellationToken.None), Is.True, "the key is usable again");
    }

    [Test]
    public async Task SetAndReplace_EntryLifetime_SlidesOnRotationAndTombstonesUseEndLifetime()
    {
        var sut = await CreateStoreAsync(o =>
        {
            o.EntryLifetime = TimeSpan.FromMinutes(10);
            o.EndLifetime = TimeSpan.FromMinutes(2);
        });
        var raw = await RawAsync();
        RedisKey key = Prefix + "{k}";
        var v0 = Sessions.Make();
        await sut.SetAsync("k", v0, CancellationToken.None);
        var afterSet = await raw.KeyTimeToLiveAsync(key);
        await raw.KeyExpireAsync(key, TimeSpan.FromMinutes(1));
        var v1 = Sessions.Next(v0);
        await sut.TryReplaceAsync("k", v0, v1, CancellationToken.None);
        var afterRotation = await raw.KeyTimeToLiveAsync(key);
        await sut.TryEndAsync("k", v1, SessionEnd.Create(SessionEndReason.SignedOut, DateTimeOffset.UnixEpoch), CancellationToken.None);
        var afterEnd = await raw.KeyTimeToLiveAsync(key);

        Assert.Multiple(() =>
        {
            Assert.That(afterSet, Is.GreaterThan(TimeSpan.FromMinutes(9)).And.LessThanOrEqualTo(TimeSpan.FromMinutes(10)));
            Assert.That(afterRotation, Is.GreaterThan(TimeSpan.FromMinutes(9)), "a rotation starts the lifetime again");
            Assert.That(afterEnd, Is.GreaterThan(TimeSpan.FromSeconds(100)).And.LessThanOrEqualTo(TimeSpan.FromMinutes(2)));
        });
    }

    [Test]
    public async Task GetAsync_SameVersionTwice_DecryptsOnceAndStillSeesOtherInstancesWrites()
    {
        var a = await CreateStoreAsync();
        var b = await CreateStoreAsync();
        var v0 = Sessions.Make();
        await a.SetAsync("k", v0, CancellationToken.None);

        var first = await b.GetAsync("k", CancellationToken.None);
        var second = await b.GetAsync("k", CancellationToken.None);
        var v1 = Sessions.Next(v0);
        await a.TryReplaceAsync("k", v0, v1, CancellationToken.None);
        var third = await b.GetAsync("k", CancellationToken.None);

        Assert.That(second, Is.SameAs(first), "one decryption per version");
        Assert.That(third!.RefreshToken, Is.EqualTo(v1.RefreshToken), "validated against Redis on every read");
    }

    [Test]
    public async Task AcquireRefreshLockAsync_HeldByOtherInstance_WaiterWakesOnReleaseNotByPolling()
    {
        var a = await CreateStoreAsync(o => o.LockLease = TimeSpan.FromSeconds(30));
        var b = await CreateStoreAsync(o => o.MaxLockPoll = TimeSpan.FromSeconds(20));
        var held = await a.AcquireRefreshLockAsync("k", CancellationToken.None);
        var waiting = b.AcquireRefreshLockAsync("k", CancellationToken.None).AsTask();
        await Task.Delay(700);
        Assert.That(waiting.IsCompleted, Is.False, "exclusive across instances");

        var released = Stopwatch.StartNew();
        await held.DisposeAsync();
        await using var second = await waiting;

        // The waiter's fallback poll is 20 s here and the holder's lease 30 s: only the pub/sub message wakes it this fast.
        Assert.That(released.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), $"woken after {released.ElapsedMilliseconds} ms");
        Assert.That(a.PendingSignalCount + b.PendingSignalCount, Is.Zero);
    }

    [Test]
    public async Task AcquireRefreshLockAsync_SessionRotatedWhileWaiting_ReturnsWithoutTakingLock()
    {
        var a = await CreateStoreAsync(o => o.LockLease = TimeSpan.FromSeconds(30));
        var logs = new FakeLogCollector();
        var b = await CreateStoreAsync(o => o.MaxLockPoll = TimeSpan.FromSeconds(20), logger: new FakeLogger<RedisTokenStore>(logs));
        var v0 = Sessions.Make();
        await a.SetAsync("k", v0, CancellationToken.None);
        await using var held = await a.AcquireRefreshLockAsync("k", CancellationToken.None);
        var waiting = b.AcquireRefreshLockAsync("k", CancellationToken.None).AsTask();

        // The rotation must come after the waiter found the lock held (it then remembers the session it saw); a fixed pause
        // let a slow first round trip see the rotated session already, and wait for the holder instead.
        var found = Stopwatch.StartNew();
        while (!logs.GetSnapshot().Any(r => r.Id.Name == "RedisLockWaiting"))
        {
            Assert.That(found.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "the waiter found the lock held");
            await Task.Delay(10);
        }

        var v1 = Sessions.Next(v0);
        await a.TryReplaceAsync("k", v0, v1, CancellationToken.None);
        var woke = await Task.WhenAny(waiting, Task.Delay(5000));

        Assert.That(woke, Is.SameAs(waiting), "the rotation's message ends the wait while the holder still holds the lock");
        await using var nothing = await waiting;
        Assert.That(b.HeldLockCount, Is.Zero, "nothing is held: the caller's re-read adopts the rotated session");
        Assert.That((await b.GetAsync("k", CancellationToken.None))!.RefreshToken, Is.EqualTo(v1.RefreshToken));
    }

    [Test]
    public async Task AcquireRefreshLockAsync_OtherLockKeys_DoNotBlock()
    {
        var a = await CreateStoreAsync();
        var b = await CreateStoreAsync();
        await using var held = await a.AcquireRefreshLockAsync("alice", CancellationToken.None);
        var other = b.AcquireRefreshLockAsync("bob", CancellationToken.None).AsTask();
        Assert.That(await Task.WhenAny(other, Task.Delay(2000)), Is.SameAs(other), "one lock per session key, never one for all users");
        await (await other).DisposeAsync();
    }

    [Test]
    public async Task AcquireRefreshLockAsync_HolderOutlivesLease_RenewedAndStillExclusive()
    {
        // The waiter waits three leases: without renewals the lease would lapse after the first and the waiter would take the
        // lock. Renewals come every third of the lease, so a lapse would take a stall of two thirds of it (800 ms here, where a
        // 600 ms lease lapsed on a 400 ms stall of a loaded machine).
        var a = await CreateStoreAsync(o => o.LockLease = TimeSpan.FromMilliseconds(1200));
        var b = await CreateStoreAsync(o => o.LockWaitTimeout = TimeSpan.FromMilliseconds(3600));
        var raw = await RawAsync();
        await using var held = await a.AcquireRefreshLockAsync("k", CancellationToken.None);

        var watch = Stopwatch.StartNew();
        var ex = Assert.ThrowsAsync<TimeoutException>(async () => await b.AcquireRefreshLockAsync("k", CancellationToken.None));

        Assert.Multiple(async () =>
        {
            Assert.That(watch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(3500)), "waited the whole LockWaitTimeout: the 1.2 s lease was renewed");
            Assert.That(ex!.Message, Does.Contain("LockWaitTimeout"));
            Assert.That(await raw.KeyTimeToLiveAsync(Prefix + "{k}:lock"), Is.GreaterThan(TimeSpan.Zero));
        });
    }

    [Test]
    public async Task AcquireRefreshLockAsync_HolderDiedWithoutRelease_TakenOnceLeaseLapses()
    {
        // The fallback poll is 20 s here: only the wait for the lease's remaining time (PTTL) takes the lock this fast.
        var sut = await CreateStoreAsync(o => o.MaxLockPoll = TimeSpan.FromSeconds(20));
        var raw = await RawAsync();

        // An instance that died holding the lock: its lease runs out, nobody renews or releases it. The clock starts before the
        // lease is written, so it never runs short of the lease however late the SET's reply arrives.
        var watch = Stopwatch.StartNew();
        await raw.StringSetAsync(Prefix + "{k}:lock", "dead-instance", TimeSpan.FromMilliseconds(800));
        await using var held = await sut.AcquireRefreshLockAsync("k", CancellationToken.None);

        Assert.That(watch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(790)).And.LessThan(TimeSpan.FromSeconds(5)), "bounded by the lease, not by the 20 s poll");
    }

    [Test]
    public async Task Lease_Release_NeverDeletesAnotherOwnersLock()
    {
        var a = await CreateStoreAsync(o => o.LockLease = TimeSpan.FromSeconds(30));
        var raw = await RawAsync();
        var held = await a.AcquireRefreshLockAsync("k", CancellationToken.None);

        // The lease lapsed and another instance took the lock.
        await raw.StringSetAsync(Prefix + "{k}:lock", "other-owner", TimeSpan.FromSeconds(30));
        await held.DisposeAsync();

        Assert.That((string?)await raw.StringGetAsync(Prefix + "{k}:lock"), Is.EqualTo("other-owner"));
    }

    [Test]
    public async Task TryReplaceAsync_LeaseTakenOverByAnotherInstance_WriteFenced()
    {
        var a = await CreateStoreAsync(o => o.LockLease = TimeSpan.FromSeconds(30));
        var b = await CreateStoreAsync();
        var raw = await RawAsync();
        var v0 = Sessions.Make();
        await a.SetAsync("k", v0, CancellationToken.None);
        await using var held = await a.AcquireRefreshLockAsync("k", CancellationToken.None);

        // a stalls past its lease; b takes the lock.
        await raw.KeyDeleteAsync(Prefix + "{k}:lock");
        await using var taken = await b.AcquireRefreshLockAsync("k", CancellationToken.None);

        Assert.That(await a.TryReplaceAsync("k", v0, Sessions.Next(v0), CancellationToken.None), Is.False, "fenced: another instance holds the lease");
        var fromB = Sessions.Next(v0);
        Assert.That(await b.TryReplaceAsync("k", v0, fromB, CancellationToken.None), Is.True);
        Assert.That((await a.GetAsync("k", CancellationToken.None))!.RefreshToken, Is.EqualTo(fromB.RefreshToken));
    }

    [Test]
    public async Task TryReplaceAsync_LeaseLapsedNobodyTookIt_ExpectedStillStored_Lands()
    {
        var a = await CreateStoreAsync(o => o.LockLease = TimeSpan.FromSeconds(30));
        var raw = await RawAsync();
        var v0 = Sessions.Make();
        await a.SetAsync("k", v0, CancellationToken.None);
        await using var held = await a.AcquireRefreshLockAsync("k", CancellationToken.None);
        await raw.KeyDeleteAsync(Prefix + "{k}:lock");

        Assert.That(await a.TryReplaceAsync("k", v0, Sessions.Next(v0), CancellationToken.None), Is.True, "the compare-and-swap is the fence");
    }

    [Test]
    public async Task AcquireRefreshLockAsync_Cancelled_StopsWaiting()
    {
        var a = await CreateStoreAsync();
        var b = await CreateStoreAsync();
        await using var held = await a.AcquireRefreshLockAsync("k", CancellationToken.None);
        using var cts = new CancellationTokenSource(300);

        Assert.That(async () => await b.AcquireRefreshLockAsync("k", cts.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(b.PendingSignalCount, Is.Zero);
    }
}
