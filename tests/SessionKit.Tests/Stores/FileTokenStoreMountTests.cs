// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Diagnostics;
using SessionKit.Tests.Support;

namespace SessionKit.Tests.Stores;

/// <summary>
/// The file store on file systems the test mounts itself: 1-second timestamps, a full disk, a read-only remount. Needs root
/// and a loop device (CI has both); elsewhere each test is ignored with the reason.
/// </summary>
[TestFixture]
[NonParallelizable]
[CancelAfter(120_000)]
public sealed class FileTokenStoreMountTests
{
    [Test]
    public async Task TryReplaceAsync_CoarseTimestampsTwoInstances_NeverBothSwap()
    {
        using var fs = ScratchMount.CoarseTimestampExt4();
        var path = Path.Combine(fs.Path, "sessions.dat");
        using var a = new FileTokenStore(new FileTokenStoreOptions { Path = path });
        using var b = new FileTokenStore(new FileTokenStoreOptions { Path = path });
        await a.SetAsync("default", Make(0, "rt-start-0000"), CancellationToken.None);

        var both = 0;
        var neither = 0;
        for (var round = 0; round < 300; round++)
        {
            var current = (await a.GetAsync("default", CancellationToken.None))!;
            _ = await b.GetAsync("default", CancellationToken.None);

            var swappedA = await a.TryReplaceAsync("default", current, Make(round + 1, $"rt-a-{round:0000000}"), CancellationToken.None);
            var swappedB = await b.TryReplaceAsync("default", current, Make(round + 1, $"rt-b-{round:0000000}"), CancellationToken.None);
            both += swappedA && swappedB ? 1 : 0;
            neither += !swappedA && !swappedB ? 1 : 0;
        }

        TestContext.Out.WriteLine($"300 rounds on 1-second timestamps: both swapped {both}, neither {neither}");
        Assert.Multiple(() =>
        {
            Assert.That(both, Is.Zero, "two compare-and-swaps from one expected session both succeeded");
            Assert.That(neither, Is.Zero, "every round one instance swaps: the expected session was read from the current file");
        });
    }

    [Test]
    public async Task SetAsync_DiskFullWhileCreatingTheKey_TypedErrorAndWorksOnceSpaceIsFreed()
    {
        using var fs = ScratchMount.Tmpfs(kilobytes: 256);
        var path = Path.Combine(fs.Path, "store", "sessions.dat");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var filler = fs.Fill();
        using var sut = new FileTokenStore(new FileTokenStoreOptions { Path = path, LockTimeout = TimeSpan.FromSeconds(5) });

        var full = Assert.ThrowsAsync<TokenStoreException>(async () => await sut.SetAsync("default", Make(0, "rt-while-full"), CancellationToken.None));
        File.Delete(filler);
        await sut.SetAsync("default", Make(0, "rt-after"), CancellationToken.None);
        using var reader = new FileTokenStore(new FileTokenStoreOptions { Path = path });
        var read = await reader.GetAsync("default", CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(full!.Message, Does.Contain("No space left on device"));
            Assert.That(full.IsTransient, Is.True);
            Assert.That(read?.RefreshToken, Is.EqualTo("rt-after"), "the store works once space is freed: no half-written key is left behind");
            Assert.That(new FileInfo(path + ".key").Length, Is.EqualTo(32));
        });
    }

    [Test]
    public async Task TryReplaceAsync_DiskFull_TypedErrorAndThePreviousFileIsKept()
    {
        using var fs = ScratchMount.Tmpfs(kilobytes: 256);
        var path = Path.Combine(fs.Path, "sessions.dat");
        using var sut = new FileTokenStore(new FileTokenStoreOptions { Path = path, LockTimeout = TimeSpan.FromSeconds(5) });
        var v0 = Make(0, "rt-0");
        await sut.SetAsync("default", v0, CancellationToken.None);
        var filler = fs.Fill();

        var full = Assert.ThrowsAsync<TokenStoreException>(async () => await sut.SetAsync("other", Make(0, "rt-other"), CancellationToken.None));
        File.Delete(filler);
        using var reader = new FileTokenStore(new FileTokenStoreOptions { Path = path });

        Assert.Multiple(async () =>
        {
            Assert.That(full!.Message, Does.Contain("No space left on device"));
            Assert.That((await reader.GetAsync("default", CancellationToken.None))?.RefreshToken, Is.EqualTo("rt-0"));
            Assert.That(Directory.GetFiles(fs.Path, ".sessions.dat.tmp-*"), Is.Empty, "the partial temporary file is removed");
        });
    }

    [Test]
    public async Task TryReplaceAsync_ReadOnlyFileSystem_FailsAtOnceWithTheOsReason()
    {
        using var fs = ScratchMount.Tmpfs(kilobytes: 1024);
        var path = Path.Combine(fs.Path, "sessions.dat");
        using var sut = new FileTokenStore(new FileTokenStoreOptions { Path = path, LockTimeout = TimeSpan.FromSeconds(20) });
        var v0 = Make(0, "rt-0");
        await sut.SetAsync("default", v0, CancellationToken.None);
        fs.SetReadOnly(true);

        var elapsed = Stopwatch.StartNew();
        var ex = Assert.ThrowsAsync<TokenStoreException>(async () => await sut.TryReplaceAsync("default", v0, Make(1, "rt-1"), CancellationToken.None));
        elapsed.Stop();

        Assert.Multiple(async () =>
        {
            Assert.That(elapsed.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "a read-only file system is not contention: no waiting for the lock timeout");
            Assert.That(ex!.Message, Does.Contain("Read-only file system"));
            Assert.That(ex.IsTransient, Is.True);
            Assert.That((await sut.GetAsync("default", CancellationToken.None))?.RefreshToken, Is.EqualTo("rt-1"), "the rotation is kept in memory and served");
            using var reader = new FileTokenStore(new FileTokenStoreOptions { Path = path });
            Assert.That((await reader.GetAsync("default", CancellationToken.None))?.RefreshToken, Is.EqualTo("rt-0"), "reads of the read-only file still work");
        });
    }

    private static Session Make(long version, string refreshToken) => new()
    {
        AccessToken = TestJwt.Create("user-1"),
        RefreshToken = refreshToken,
        ExpiresAt = new DateTimeOffset(2031, 1, 1, 0, 0, 0, TimeSpan.Zero),
        IssuedAt = new DateTimeOffset(2030, 12, 31, 23, 0, 0, TimeSpan.Zero),
        Version = version,
    };
}
