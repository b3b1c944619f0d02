// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using SessionKit.Internal;

namespace SessionKit.Tests.Stores;

/// <summary>The OS file lock behind <see cref="FileTokenStore"/>: contention, a deleted lock file, errors that are not contention.</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class FileLockTests
{
    private DirectoryInfo _dir = null!;
    private string _path = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("sessionkit-lock-");
        _path = Path.Combine(_dir.FullName, "sessions.dat.lock");
    }

    [TearDown]
    public void TearDown() => _dir.Delete(recursive: true);

    [Test]
    public async Task AcquireAsync_HeldElsewhere_WaitsThenTimesOut()
    {
        await using var held = await AcquireAsync(TimeSpan.FromSeconds(1));

        Assert.That(async () => await AcquireAsync(TimeSpan.FromMilliseconds(200)), Throws.InstanceOf<TimeoutException>());
    }

    [Test]
    public async Task AcquireAsync_HeldThenReleased_Acquires()
    {
        var held = await AcquireAsync(TimeSpan.FromSeconds(1));
        var second = AcquireAsync(TimeSpan.FromSeconds(10)).AsTask();
        await Task.Delay(50);
        var waited = second.IsCompleted;
        await held.DisposeAsync();

        await using var acquired = await second;
        Assert.That(waited, Is.False, "the second acquirer waited while the first held the lock");
    }

    [Test]
    public async Task AcquireAsync_LockFileDeletedWhileHeld_SecondAcquirerWaitsForTheHolder()
    {
        Assume.That(OperatingSystem.IsWindows(), Is.False, "Windows does not let a held lock file be deleted");
        var held = await AcquireAsync(TimeSpan.FromSeconds(1));
        File.Delete(_path);

        Assert.That(async () => await AcquireAsync(TimeSpan.FromMilliseconds(300)), Throws.InstanceOf<TimeoutException>(), "the lock is still held, though its file was deleted");
        await held.DisposeAsync();
        await using var after = await AcquireAsync(TimeSpan.FromSeconds(5));
        Assert.That(File.Exists(_path), Is.True, "the next acquirer recreates the lock file once the holder released it");
    }

    private ValueTask<FileLock> AcquireAsync(TimeSpan timeout) => FileLock.AcquireAsync(_path, timeout, TimeProvider.System, CancellationToken.None);
}
