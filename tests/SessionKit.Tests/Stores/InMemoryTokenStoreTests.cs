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

    private static InMemoryTokenStore CreateSut() => new();

    private static Session Make(long version, string refreshToken) =>
        new() { AccessToken = "a-" + refreshToken, RefreshToken = refreshToken, ExpiresAt = Now, Version = version };
}
