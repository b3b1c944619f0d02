// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.Logging;

namespace SessionKit.Internal;

/// <summary>
/// The store file of a <see cref="FileTokenStore"/>: its locks, its cached and fresh reads, its compare-and-swap writes, and
/// moving an unusable file aside. Outside the write lock a read is served from memory while the file's (timestamp, length) are
/// unchanged; under it the file is always read again, as a write by another process within one timestamp tick looks unchanged.
/// </summary>
internal sealed class StoreFile(string path, KeyFile keyFile, StoreCodec codec, UnsavedRotations unsaved, TimeProvider timeProvider, ILogger logger) : IDisposable
{
    private readonly string _path = path;
    private readonly string _directory = System.IO.Path.GetDirectoryName(path)!;
    private readonly string _writeLockPath = path + ".lock";
    private readonly string _refreshLockPath = path + ".refresh.lock";
    private readonly KeyFile _keyFile = keyFile;
    private readonly StoreCodec _codec = codec;
    private readonly UnsavedRotations _unsaved = unsaved;
    private readonly TimeProvider _timeProvider = timeProvider;
    private readonly ILogger _logger = logger;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private StoreSnapshot? _snapshot;
    private bool _sweptTempFiles;

    public string Path => _path;

    public Action<string>? WriteStageHook { get; set; }

    public Func<FileInfo, (DateTime LastWriteUtc, long Length)>? StatHook { get; set; }

    /// <summary>Reads again under the write lock; a file still unusable there is moved aside and reported.</summary>
    public async ValueTask<T?> ReadUnderLockAsync<T>(string key, Func<StoreSnapshot, string, T?> pick, TimeSpan lockTimeout, CancellationToken cancellationToken)
        where T : class
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var fileLock = await LockForWriteAsync(lockTimeout, cancellationToken).ConfigureAwait(false);
            await using (fileLock.ConfigureAwait(false))
            {
                try
                {
                    return pick(Read(fresh: true), key);
                }
                catch (UnusableStoreFileException ex)
                {
                    throw MoveAside(ex);
                }
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>The refresh lock file's OS lock.</summary>
    /// <exception cref="TimeoutException">Another process held it longer than <paramref name="timeout"/> (the coordinator reports it).</exception>
    /// <exception cref="TokenStoreException">The lock file cannot be opened (transient).</exception>
    public async ValueTask<FileLock> LockForRefreshAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            OwnerOnly.CreateDirectory(_directory);
            FileLock.EnsureExists(_writeLockPath);
            return await FileLock.AcquireAsync(_refreshLockPath, timeout, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Failure("locked", ex);
        }
    }

    public void Dispose() => _writeGate.Dispose();

    private async ValueTask<FileLock> LockForWriteAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            OwnerOnly.CreateDirectory(_directory);
            FileLock.EnsureExists(_refreshLockPath);
            return await FileLock.AcquireAsync(_writeLockPath, timeout, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Failure("locked", ex);
        }
        catch (TimeoutException ex)
        {
            throw new TokenStoreException(TokenStoreProblem.Unreadable, _path, null, $"The session store '{_path}' is locked: {ex.Message} Nothing was changed; try again.", ex) { IsTransient = true };
        }
    }

    /// <summary>Applies <paramref name="change"/> to the current sessions under the write lock and writes them if it returns true.</summary>
    public async ValueTask MutateAsync(Func<Dictionary<string, Session>, Dictionary<string, SessionEnd>, bool> change, bool discardUnreadable, TimeSpan lockTimeout, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var fileLock = await LockForWriteAsync(lockTimeout, cancellationToken).ConfigureAwait(false);
            await using (fileLock.ConfigureAwait(false))
            {
                StoreSnapshot current;
                try
                {
                    // Under the lock the cache is never trusted: another process's write may not have changed the timestamp.
                    current = Read(fresh: true);
                }
                catch (UnusableStoreFileException ex)
                {
                    var failure = MoveAside(ex);
                    if (!discardUnreadable || failure.KeptAsidePath is null)
                    {
                        throw failure;
                    }

                    // A sign-in or sign-out replaces an unusable file; the bad one is kept aside.
                    current = StoreSnapshot.Empty;
                }

                var sessions = new Dictionary<string, Session>(current.Sessions, StringComparer.Ordinal);
                var ends = new Dictionary<string, SessionEnd>(current.Ends, StringComparer.Ordinal);
                var applied = _unsaved.ApplyTo(sessions, ends);
                if (change(sessions, ends) | applied.Count > 0)
                {
                    Write(sessions, ends);
                    _unsaved.Written(applied, sessions);
                }
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public StoreSnapshot Read(bool fresh)
    {
        try
        {
            var info = new FileInfo(_path);
            if (!info.Exists)
            {
                _snapshot = StoreSnapshot.Empty;
                return StoreSnapshot.Empty;
            }

            var (lastWrite, length) = StatHook?.Invoke(info) ?? (info.LastWriteTimeUtc, info.Length);
            if (!fresh && _snapshot is { } cached && cached.LastWriteUtc == lastWrite && cached.Length == length)
            {
                return cached;
            }

            var (sessions, ends) = _codec.Decode(File.ReadAllBytes(_path), _path);
            return _snapshot = new StoreSnapshot(lastWrite, length, sessions, ends);
        }
        catch (FileNotFoundException)
        {
            return Read(fresh);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Failure("read", ex);
        }
    }

    private void Write(Dictionary<string, Session> sessions, Dictionary<string, SessionEnd> ends)
    {
        try
        {
            var key = _keyFile.LoadOrCreate(dataFileExists: File.Exists(_path));
            AtomicFile.Replace(_path, _codec.Encode(sessions, ends, key), WriteStageHook);
        }
        catch (UnusableStoreFileException ex)
        {
            throw Problem(ex.Problem, null, $"The session store '{_path}' {ex.Message}. {ex.Todo}", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Failure("written", ex);
        }

        var info = new FileInfo(_path);
        var (lastWrite, length) = StatHook?.Invoke(info) ?? (info.LastWriteTimeUtc, info.Length);
        _snapshot = new StoreSnapshot(lastWrite, length, sessions, ends);
        if (!_sweptTempFiles)
        {
            // Temporary files a crashed writer left (older than a minute), once per instance, under the write lock.
            _sweptTempFiles = true;
            AtomicFile.SweepStale(_path, _timeProvider.GetUtcNow().UtcDateTime - TimeSpan.FromMinutes(1));
        }
    }

    private TokenStoreException MoveAside(UnusableStoreFileException unusable)
    {
        var keptAt = Quarantine.MoveAside(_path, unusable.Problem, _timeProvider.GetUtcNow());
        _snapshot = keptAt is null ? _snapshot : null;
        Log.StoreFileUnusable(_logger, _path, unusable.Problem, keptAt);
        var kept = keptAt is null ? string.Empty : $" It was moved to '{keptAt}' for inspection.";
        return Problem(unusable.Problem, keptAt, $"The session store '{_path}' {unusable.Message}.{kept} {unusable.Todo}", unusable.InnerException);
    }

    /// <summary>A file-system failure (full disk, read-only mount, I/O error, permissions): transient, with the OS's reason.</summary>
    private TokenStoreException Failure(string action, Exception ex) =>
        new(TokenStoreProblem.Unreadable, _path, null, $"The session store '{_path}' cannot be {action}: {ex.Message}. The file is unchanged; check the disk and its permissions.", ex) { IsTransient = true };

    private TokenStoreException Problem(TokenStoreProblem problem, string? keptAside, string message, Exception? cause) =>
        new(problem, _path, keptAside, message, cause);
}
