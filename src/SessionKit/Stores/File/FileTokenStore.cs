// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SessionKit.Internal;

namespace SessionKit;

/// <summary>
/// An <see cref="ITokenStore"/> in one encrypted file, safe for several processes at once (a CLI in two terminals, a
/// background sync, a desktop app): the CLI and desktop case.
/// </summary>
/// <remarks>
/// <para>
/// <b>Durable and atomic.</b> Every change writes a temporary file in the same folder, flushes it to disk, and renames it over
/// the store, then flushes the folder: a crash at any instant leaves the old or the new file, never a torn one. The file, its
/// key and their folder are owner-only (0600 / 0700) from the moment they are created.
/// </para>
/// <para>
/// <b>Encrypted at rest</b> with AES-256-GCM under a random key kept beside the store, owner-only. The file is bound to this
/// machine's id and the user's id (uid or SID; hashes, as authenticated data), never to a host name, so a store copied to
/// another machine or account is refused with <see cref="TokenStoreProblem.CopiedFromElsewhere"/> instead of being used to
/// refresh, while renaming the host changes nothing.
/// </para>
/// <para>
/// <b>Across processes.</b> Writes are compare-and-swap under an OS file lock, and <see cref="IRefreshLock"/> holds a second
/// OS lock for the whole refresh, so processes sharing the file send each refresh token once; the next holder re-reads the
/// file and adopts the rotated session. OS locks die with their process, so a crashed holder never blocks the others.
/// </para>
/// <para>
/// <b>Bad files are kept.</b> A truncated, garbage, wrong-key or copied file raises <see cref="TokenStoreException"/> naming the
/// file and what to do, and is moved aside (<c>sessions.dat.corrupt-…</c>, <c>.wrongkey-…</c>, <c>.copiedfromelsewhere-…</c>)
/// for inspection, never overwritten.
/// </para>
/// <para>
/// <b>Trouble in the file system</b> (a full disk, a read-only mount, a lock held too long) is a transient
/// <see cref="TokenStoreException"/> (<see cref="TokenStoreException.IsTransient"/>), never a sign-out. A rotated session that
/// cannot be written is kept in memory by this instance, served by <see cref="GetAsync"/>, and written at the next change or read.
/// </para>
/// <para>
/// Reads outside the locks are served from memory while the file's timestamp and size are unchanged; under the write lock and
/// while this instance holds the refresh lock, the file is always read again. Thread-safe; one instance per file.
/// </para>
/// </remarks>
public sealed class FileTokenStore : ITokenStore, IRefreshLock, IDisposable
{
    private const int MaxEnds = 1000;

    private readonly string _path;
    private readonly string _directory;
    private readonly string _writeLockPath;
    private readonly string _refreshLockPath;
    private readonly KeyFile _keyFile;
    private readonly StoreCodec _codec;
    private readonly TimeSpan _lockTimeout;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly SemaphoreSlim _refreshGate = new(1, 1);
    private readonly UnsavedRotations _unsaved = new();
    private volatile int _refreshHeld;
    private StoreSnapshot? _snapshot;
    private bool _sweptTempFiles;

    /// <summary>Initializes a new instance of the <see cref="FileTokenStore"/> class.</summary>
    /// <param name="options">Where the file is; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for lock timeouts; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">The logger; none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException"><see cref="FileTokenStoreOptions.Path"/> is empty.</exception>
    public FileTokenStore(FileTokenStoreOptions? options = null, TimeProvider? timeProvider = null, ILogger<FileTokenStore>? logger = null)
    {
        options ??= new FileTokenStoreOptions();
        ArgumentException.ThrowIfNullOrEmpty(options.Path);
        _path = System.IO.Path.GetFullPath(options.Path);
        _directory = System.IO.Path.GetDirectoryName(_path)!;
        _writeLockPath = _path + ".lock";
        _refreshLockPath = _path + ".refresh.lock";
        _keyFile = new KeyFile(System.IO.Path.GetFullPath(options.KeyPath ?? _path + ".key"));
        _codec = new StoreCodec(options.Identity ?? OwnerIdentity.Current, _keyFile);
        _lockTimeout = options.LockTimeout;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Gets the store file.</summary>
    /// <value>The full path.</value>
    public string Path => _path;

    /// <summary>Gets or sets a hook called at each stage of a write ("temp-written", "renamed"); crash tests kill the process there.</summary>
    internal Action<string>? WriteStageHook { get; set; }

    /// <summary>Gets or sets a replacement for the file's (timestamp, length), the cache key of reads; tests fake a coarse clock.</summary>
    internal Func<FileInfo, (DateTime LastWriteUtc, long Length)>? StatHook { get; set; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    /// <exception cref="TokenStoreException">The file is corrupt, encrypted with another key, copied from elsewhere or unreadable.</exception>
    public ValueTask<Session?> GetAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_unsaved.Any)
        {
            return GetWithUnsavedAsync(key, cancellationToken);
        }

        try
        {
            return new(Read(fresh: _refreshHeld > 0).Sessions.GetValueOrDefault(key));
        }
        catch (UnusableStoreFileException)
        {
            return ReadUnderLockAsync(key, static (snapshot, k) => snapshot.Sessions.GetValueOrDefault(k), cancellationToken);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    /// <exception cref="TokenStoreException">The file is corrupt, encrypted with another key, copied from elsewhere or unreadable.</exception>
    public ValueTask<SessionEnd?> GetEndAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        try
        {
            return new(_unsaved.Get(key) is null ? Read(fresh: _refreshHeld > 0).Ends.GetValueOrDefault(key) : null);
        }
        catch (UnusableStoreFileException)
        {
            return ReadUnderLockAsync(key, static (snapshot, k) => snapshot.Ends.GetValueOrDefault(k), cancellationToken);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> or <paramref name="session"/> is <see langword="null"/>.</exception>
    /// <exception cref="TokenStoreException">The file cannot be written.</exception>
    public async ValueTask SetAsync(string key, Session session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(session);
        await MutateAsync(
            (sessions, ends) =>
            {
                sessions[key] = session;
                ends.Remove(key);
                return true;
            },
            discardUnreadable: true,
            _lockTimeout,
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// When the file cannot be written (a full disk, a read-only mount, the lock held too long), a rotation
    /// (<paramref name="expected"/> and <paramref name="replacement"/> both set) is kept in memory: this instance serves it and
    /// writes it at its next change or read. The exception is transient.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    /// <exception cref="TokenStoreException">The file is unusable or cannot be written.</exception>
    public async ValueTask<bool> TryReplaceAsync(string key, Session? expected, Session? replacement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var (ran, swapped) = (false, false);
        try
        {
            await MutateAsync(
                (sessions, ends) =>
                {
                    ran = true;
                    if (!Session.SameTokens(sessions.GetValueOrDefault(key), expected))
                    {
                        return false;
                    }

                    swapped = true;
                    if (replacement is null)
                    {
                        return sessions.Remove(key);
                    }

                    sessions[key] = replacement;
                    ends.Remove(key);
                    return true;
                },
                discardUnreadable: false,
                _lockTimeout,
                cancellationToken).ConfigureAwait(false);
        }
        catch (TokenStoreException ex) when (ex.IsTransient && expected is not null && replacement is not null && (swapped || !ran))
        {
            // Swapped but not written, or not even locked: a rotation the server already made must not be lost.
            _unsaved.Keep(key, expected, replacement);
            Log.StoreWriteDeferred(_logger, _path, replacement.Version);
            throw;
        }

        return swapped;
    }

    /// <inheritdoc/>
    /// <remarks>At most <c>1,000</c> tombstones are kept per file; the oldest are forgotten first.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="key"/>, <paramref name="expected"/> or <paramref name="end"/> is <see langword="null"/>.</exception>
    /// <exception cref="TokenStoreException">The file is unusable or cannot be written.</exception>
    public async ValueTask<bool> TryEndAsync(string key, Session expected, SessionEnd end, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(end);
        var ended = false;
        await MutateAsync(
            (sessions, ends) =>
            {
                if (!Session.SameTokens(sessions.GetValueOrDefault(key), expected))
                {
                    return false;
                }

                ended = true;
                sessions.Remove(key);
                ends[key] = end;
                while (ends.Count > MaxEnds)
                {
                    ends.Remove(ends.MinBy(e => e.Value.EndedAt).Key);
                }

                return true;
            },
            discardUnreadable: false,
            _lockTimeout,
            cancellationToken).ConfigureAwait(false);
        return ended;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    public async ValueTask RemoveAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await MutateAsync((sessions, ends) => sessions.Remove(key) | ends.Remove(key), discardUnreadable: true, _lockTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <remarks>One OS lock per store file, shared by its keys. While it is held, this instance reads the file afresh.</remarks>
    /// <exception cref="TokenStoreException">The lock file cannot be opened (for example on a read-only file system).</exception>
    public async ValueTask<IAsyncDisposable> AcquireRefreshLockAsync(string sessionKey, CancellationToken cancellationToken)
    {
        await _refreshGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            OwnerOnly.CreateDirectory(_directory);
            FileLock.EnsureExists(_writeLockPath);
            var fileLock = await FileLock.AcquireAsync(_refreshLockPath, _lockTimeout, _timeProvider, cancellationToken).ConfigureAwait(false);
            _refreshHeld = 1;
            return new Releaser(fileLock, this);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _refreshGate.Release();
            throw Failure("locked", ex);
        }
        catch
        {
            _refreshGate.Release();
            throw;
        }
    }

    /// <summary>Releases the in-process gates.</summary>
    public void Dispose()
    {
        _writeGate.Dispose();
        _refreshGate.Dispose();
    }

    /// <summary>A read while rotations wait in memory: try once to write them, then serve them if still unwritten.</summary>
    private async ValueTask<Session?> GetWithUnsavedAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await MutateAsync(static (_, _) => false, discardUnreadable: false, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        }
        catch (TokenStoreException ex) when (ex.IsTransient)
        {
            // Still not writable: keep serving from memory.
        }

        return _unsaved.Get(key) ?? await GetAsync(key, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads again under the write lock; a file still unusable there is moved aside and reported.</summary>
    private async ValueTask<T?> ReadUnderLockAsync<T>(string key, Func<StoreSnapshot, string, T?> pick, CancellationToken cancellationToken)
        where T : class
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var fileLock = await LockForWriteAsync(_lockTimeout, cancellationToken).ConfigureAwait(false);
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
    private async ValueTask MutateAsync(Func<Dictionary<string, Session>, Dictionary<string, SessionEnd>, bool> change, bool discardUnreadable, TimeSpan lockTimeout, CancellationToken cancellationToken)
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

    private StoreSnapshot Read(bool fresh)
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

    private sealed class Releaser(FileLock fileLock, FileTokenStore store) : IAsyncDisposable
    {
        private int _released;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                store._refreshHeld = 0;
                await fileLock.DisposeAsync().ConfigureAwait(false);
                store._refreshGate.Release();
            }
        }
    }
}
