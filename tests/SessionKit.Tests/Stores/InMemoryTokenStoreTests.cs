// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Tests.Stores;

[TestFixture]
public sealed class InMemoryTokenStoreTests
{
    private static readonly DateTimeOffset Now = new(2026, 2, 1, 0, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task TryReplaceAsync_ExpectedMatches_Swaps()
    {
        var sut = CreateSut();
        var v0 = Make(0, "r0");
        await sut.SetAsync("k", v0, CancellationToken.None);

        var swapped = await sut.TryReplaceAsync("k", v0, Make(1, "r1"), CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(swapped, Is.True);
            Assert.That((await sut.GetAsync("k", CancellationToken.None))!.Version, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task TryReplaceAsync_StoredChanged_Refuses()
    {
        var sut = CreateSut();
        var v0 = Make(0, "r0");
        await sut.SetAsync("k", Make(1, "r1"), CancellationToken.None);

        var swapped = await sut.TryReplaceAsync("k", v0, Make(1, "other"), CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(swapped, Is.False);
            Assert.That((await sut.GetAsync("k", CancellationToken.None))!.RefreshToken, Is.EqualTo("r1"));
        });
    }

    [Test]
    public async Task TryReplaceAsync_NullReplacement_RemovesOnlyIfMatching()
    {
        var sut = CreateSut();
        var v0 = Make(0, "r0");
        await sut.SetAsync("k", v0, CancellationToken.None);

        var removedStale = await sut.TryReplaceAsync("k", Make(0, "different"), null, CancellationToken.None);
        var removed = await sut.TryReplaceAsync("k", v0, null, CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(removedStale, Is.False);
            Assert.That(removed, Is.True);
            Assert.That(await sut.GetAsync("k", CancellationToken.None), Is.Null);
        });
    }

    [Test]
    public async Task TryReplaceAsync_ExpectedAbsent_AddsOnlyIfAbsent()
    {
        var sut = CreateSut();

        var added = await sut.TryReplaceAsync("k", null, Make(0, "r0"), CancellationToken.None);
        var addedAgain = await sut.TryReplaceAsync("k", null, Make(0, "r9"), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(added, Is.True);
            Assert.That(addedAgain, Is.False);
        });
    }

    [Test]
    public async Task TryReplaceAsync_ManyThreadsRaceFromSameVersion_ExactlyOneWins()
    {
        var sut = CreateSut();
        var v0 = Make(0, "r0");
        await sut.SetAsync("k", v0, CancellationToken.None);
        using var start = new ManualResetEventSlim();

        var racers = Enumerable.Range(0, 32).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return await sut.TryReplaceAsync("k", v0, Make(1, "r-" + i), CancellationToken.None);
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(racers);

        Assert.That(results.Count(r => r), Is.EqualTo(1));
    }

    [Test]
    public void GetAsync_InMemory_CompletesSynchronously()
    {
        var sut = CreateSut();

        Assert.That(sut.GetAsync("k", CancellationToken.None).IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public async Task TryEndAsync_ExpectedMatches_ReplacesSessionWithTombstone()
    {
        var sut = CreateSut();
        var v0 = Make(0, "r0");
        await sut.SetAsync("k", v0, CancellationToken.None);
        var end = SessionEnd.Create(SessionEndReason.RefreshTokenAlreadyUsed, Now, "user-1", "refresh_token_already_used", "Invalid Refresh Token: Already Used");

        var ended = await sut.TryEndAsync("k", v0, end, CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(ended, Is.True);
            Assert.That(await sut.GetAsync("k", CancellationToken.None), Is.Null);
            Assert.That(await sut.GetEndAsync("k", CancellationToken.None), Is.SameAs(end));
        });
    }

    [Test]
    public async Task TryEndAsync_StoredChanged_RefusesAndKeepsSession()
    {
        var sut = CreateSut();
        await sut.SetAsync("k", Make(1, "r1"), CancellationToken.None);

        var ended = await sut.TryEndAsync("k", Make(0, "r0"), SessionEnd.Create(SessionEndReason.SignedOut, Now), CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(ended, Is.False);
            Assert.That((await sut.GetAsync("k", CancellationToken.None))!.RefreshToken, Is.EqualTo("r1"));
            Assert.That(await sut.GetEndAsync("k", CancellationToken.None), Is.Null);
        });
    }

    [Test]
    public async Task SetAsync_AfterEnd_ReplacesTombstone()
    {
        var sut = CreateSut();
        var v0 = Make(0, "r0");
        await sut.SetAsync("k", v0, CancellationToken.None);
        await sut.TryEndAsync("k", v0, SessionEnd.Create(SessionEndReason.SignedOut, Now), CancellationToken.None);

        await sut.SetAsync("k", Make(0, "fresh"), CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That((await sut.GetAsync("k", CancellationToken.None))!.RefreshToken, Is.EqualTo("fresh"));
            Assert.That(await sut.GetEndAsync("k", CancellationToken.None), Is.Null);
        });
    }

    [Test]
    public async Task TryReplaceAsync_ExpectedNullOverTombstone_StoresSessionAndClearsTombstone()
    {
        var sut = CreateSut();
        var v0 = Make(0, "r0");
        await sut.SetAsync("k", v0, CancellationToken.None);
        await sut.TryEndAsync("k", v0, SessionEnd.Create(SessionEndReason.SignedOut, Now), CancellationToken.None);

        var swapped = await sut.TryReplaceAsync("k", null, Make(0, "fresh"), CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(swapped, Is.True);
            Assert.That(await sut.GetEndAsync("k", CancellationToken.None), Is.Null);
        });
    }

    [Test]
    public async Task TryEndAsync_MoreEndsThanTheBound_ForgetsTheOldest()
    {
        var sut = new InMemoryTokenStore(maxEnds: 100);

        for (var i = 0; i < 1_000; i++)
        {
            var session = Make(0, "r" + i);
            await sut.SetAsync("k" + i, session, CancellationToken.None);
            await sut.TryEndAsync("k" + i, session, SessionEnd.Create(SessionEndReason.SignedOut, Now), CancellationToken.None);
        }

        Assert.Multiple(async () =>
        {
            Assert.That(sut.EndCount, Is.EqualTo(100));
            Assert.That(await sut.GetEndAsync("k999", CancellationToken.None), Is.Not.Null, "the newest end is kept");
            Assert.That(await sut.GetEndAsync("k0", CancellationToken.None), Is.Null, "the oldest end is forgotten");
        });
    }

    [Test]
    public async Task AcquireRefreshLockAsync_SameKey_SecondWaitsUntilFirstReleases()
    {
        var sut = CreateSut();
        var first = await sut.AcquireRefreshLockAsync("k", CancellationToken.None);

        var second = sut.AcquireRefreshLockAsync("k", CancellationToken.None).AsTask();
        var other = await sut.AcquireRefreshLockAsync("other-key", CancellationToken.None);
        var waitedWhileHeld = !second.IsCompleted;
        await first.DisposeAsync();
        await (await second).DisposeAsync();
        await other.DisposeAsync();

        Assert.Multiple(() =>
        {
            Assert.That(waitedWhileHeld, Is.True, "one refresh per key at a time");
            Assert.That(sut.RefreshLockCount, Is.Zero, "released locks are freed");
        });
    }

    [Test]
    public async Task AcquireRefreshLockAsync_WaiterCancelled_LockStaysUsableAndIsFreed()
    {
        var sut = CreateSut();
        var held = await sut.AcquireRefreshLockAsync("k", CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var waiter = sut.AcquireRefreshLockAsync("k", cts.Token).AsTask();

        await cts.CancelAsync();
        Assert.CatchAsync<OperationCanceledException>(() => waiter);
        await held.DisposeAsync();
        await (await sut.AcquireRefreshLockAsync("k", CancellationToken.None)).DisposeAsync();

        Assert.That(sut.RefreshLockCount, Is.Zero);
    }

    private static InMemoryTokenStore CreateSut() => new();

    private static Session Make(long version, string refreshToken) =>
        new() { AccessToken = "a-" + refreshToken, RefreshToken = refreshToken, ExpiresAt = Now, Version = version };
}
