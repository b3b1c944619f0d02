// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Internal;

/// <summary>
/// An exclusive OS lock on a lock file, released by the OS when the holder exits, even when it is killed.
/// </summary>
/// <remarks>
/// <para>
/// On Unix it is a <c>flock(LOCK_EX)</c> taken by SessionKit itself (not through <see cref="FileShare"/>, which .NET skips when
/// file locking is disabled by configuration). A lock file deleted while held would let a second process create a new file
/// and lock that one too, so every holder also keeps a shared <c>flock</c> on the lock file's folder, and a missing lock file
/// is created only under an exclusive lock on that folder, that is, only when nobody holds or is taking a lock there. After
/// locking, the holder checks that the path still names the file it locked, and starts again if not.
/// </para>
/// <para>On Windows it is a share-mode lock (<see cref="FileShare.None"/>); a held lock file cannot be deleted there.</para>
/// <para>
/// Only contention is waited for (a would-block on Unix, a sharing or lock violation on Windows); any other error (a
/// read-only file system, a missing permission) is thrown at once as an <see cref="IOException"/> with the OS's reason.
/// </para>
/// </remarks>
internal sealed class FileLock : IAsyncDisposable, IDisposable
{
    private const int SharingViolation = unchecked((int)0x80070020);
    private const int LockViolation = unchecked((int)0x80070021);

    private readonly FileStream? _stream;
    private int _fd;
    private int _folderFd;

    private FileLock(FileStream stream)
    {
        _stream = stream;
        _fd = _folderFd = -1;
    }

    private FileLock(int fd, int folderFd)
    {
        _fd = fd;
        _folderFd = folderFd;
    }

    /// <summary>Waits, polling with backoff, until the lock is held or <paramref name="timeout"/> passes.</summary>
    /// <exception cref="TimeoutException">Another holder kept the lock longer than <paramref name="timeout"/>.</exception>
    /// <exception cref="IOException">The lock file cannot be opened or locked for a reason other than contention.</exception>
    /// <exception cref="UnauthorizedAccessException">The lock file cannot be opened (Windows permissions).</exception>
    public static async ValueTask<FileLock> AcquireAsync(string path, TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(1);
        while (true)
        {
            var held = OperatingSystem.IsWindows() ? TryAcquireWindows(path) : TryAcquireUnix(path);
            if (held is not null)
            {
                return held;
            }

            if (timeProvider.GetElapsedTime(started) >= timeout)
            {
                throw new TimeoutException($"Another process held the lock '{path}' for longer than {timeout}.");
            }

            await Task.Delay(delay, timeProvider, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMilliseconds(25).Ticks));
        }
    }

    /// <summary>Creates the lock file if it is missing and nobody holds a lock in its folder (best effort; Unix).</summary>
    public static void EnsureExists(string path)
    {
        if (!OperatingSystem.IsWindows() && !File.Exists(path))
        {
            _ = TryCreateUnix(path);
        }
    }

    public void Dispose()
    {
        _stream?.Dispose();
        CloseQuietly(ref _fd);
        CloseQuietly(ref _folderFd);
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private static FileLock? TryAcquireWindows(string path)
    {
        try
        {
            return new FileLock(new FileStream(path, OwnerOnly.Options(FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None)));
        }
        catch (IOException ex) when (ex.HResult is SharingViolation or LockViolation)
        {
            return null;
        }
    }

    /// <summary>One attempt: the lock, or <see langword="null"/> on contention.</summary>
    private static FileLock? TryAcquireUnix(string path)
    {
        var folder = Path.GetDirectoryName(path)!;
        var folderFd = Posix.OpenExisting(folder, write: false, out var errno);
        if (folderFd < 0)
        {
            throw Posix.Error(errno, folder);
        }

        var fd = -1;
        try
        {
            // Shared on the folder first: while any lock here is held or being taken, no lock file is (re)created.
            var folderLock = Posix.TryFlock(folderFd, Posix.LockShared | Posix.LockNonBlocking);
            if (folderLock == Posix.WouldBlock)
            {
                return null;
            }

            var guarded = folderLock == 0;
            fd = Posix.OpenExisting(path, write: true, out errno);
            if (fd < 0)
            {
                if (errno != Posix.NotFound)
                {
                    throw Posix.Error(errno, path);
                }

                CloseQuietly(ref folderFd);
                return TryCreateUnix(path) ? TryAcquireUnix(path) : null;
            }

            var locked = Posix.TryFlock(fd, Posix.LockExclusive | Posix.LockNonBlocking);
            if (locked == Posix.WouldBlock)
            {
                return null;
            }

            if (locked != 0)
            {
                throw Posix.Error(locked, path);
            }

            if (!StillNamesLockedFile(path))
            {
                // The file was deleted (or replaced) between our open and our lock: lock the one the path names now.
                return null;
            }

            var held = new FileLock(fd, guarded ? folderFd : -1);
            fd = -1;
            if (!guarded)
            {
                CloseQuietly(ref folderFd);
            }

            folderFd = -1;
            return held;
        }
        finally
        {
            CloseQuietly(ref fd);
            CloseQuietly(ref folderFd);
        }
    }

    /// <summary>
    /// Whether <paramref name="path"/> still names the file this process just locked: a second descriptor on the same file
    /// cannot take the lock (flock locks belong to the open file), a different file or none can.
    /// </summary>
    private static bool StillNamesLockedFile(string path)
    {
        var probe = Posix.OpenExisting(path, write: false, out _);
        if (probe < 0)
        {
            return false;
        }

        try
        {
            // Taking it succeeds only on another file; an error other than would-block (a file system that cannot lock a
            // read-only descriptor) tells nothing, so the file is taken to be ours.
            return Posix.TryFlock(probe, Posix.LockExclusive | Posix.LockNonBlocking) != 0;
        }
        finally
        {
            CloseQuietly(ref probe);
        }
    }

    /// <summary>Creates a missing lock file under an exclusive lock on its folder; false when someone holds a lock there.</summary>
    private static bool TryCreateUnix(string path)
    {
        var folder = Path.GetDirectoryName(path)!;
        var folderFd = Posix.OpenExisting(folder, write: false, out var errno);
        if (folderFd < 0)
        {
            throw Posix.Error(errno, folder);
        }

        try
        {
            var folderLock = Posix.TryFlock(folderFd, Posix.LockExclusive | Posix.LockNonBlocking);
            if (folderLock == Posix.WouldBlock)
            {
                return false;
            }

            // Any other failure: the file system cannot lock folders (some network file systems); create without the guard.
            try
            {
                using var created = new FileStream(path, OwnerOnly.Options(FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite));
            }
            catch (IOException ex) when (ex.HResult == Posix.Exists || File.Exists(path))
            {
                // Another process created it first.
            }

            return true;
        }
        finally
        {
            CloseQuietly(ref folderFd);
        }
    }

    private static void CloseQuietly(ref int fd)
    {
        if (fd >= 0)
        {
            _ = Posix.Close(fd);
            fd = -1;
        }
    }
}
