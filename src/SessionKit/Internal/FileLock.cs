// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Internal;

/// <summary>
/// An exclusive OS lock on a lock file (.NET takes <c>flock(LOCK_EX)</c> for <see cref="FileShare.None"/> on Unix and a
/// share-mode lock on Windows). The OS releases it when the holder exits, even when it is killed.
/// </summary>
internal sealed class FileLock : IAsyncDisposable, IDisposable
{
    private readonly FileStream _stream;

    private FileLock(FileStream stream)
    {
        _stream = stream;
    }

    /// <summary>Waits, polling with backoff, until the lock is held or <paramref name="timeout"/> passes.</summary>
    /// <exception cref="TimeoutException">Another holder kept the lock longer than <paramref name="timeout"/>.</exception>
    public static async ValueTask<FileLock> AcquireAsync(string path, TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(1);
        while (true)
        {
            try
            {
                return new FileLock(new FileStream(path, OwnerOnly.Options(FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None)));
            }
            catch (IOException ex) when (ex is not (FileNotFoundException or DirectoryNotFoundException))
            {
                if (timeProvider.GetElapsedTime(started) >= timeout)
                {
                    throw new TimeoutException($"Another process held the lock '{path}' for longer than {timeout}.", ex);
                }

                await Task.Delay(delay, timeProvider, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMilliseconds(25).Ticks));
            }
        }
    }

    public void Dispose() => _stream.Dispose();

    public ValueTask DisposeAsync() => _stream.DisposeAsync();
}
