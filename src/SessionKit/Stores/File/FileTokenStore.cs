// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.Logging;
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

    private readonly StoreFile _file;
    private readonly TimeSpan _lockTimeout;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _refreshGate = new(1, 1);
    private readonly UnsavedRotations _unsaved = new();
    private volatile int _refreshHeld;

    /// <summary>Initializes a new instance of the <see cref="FileTokenStore"/> class.</summary>
    /// <param name="options">Where the file is; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for lock timeouts; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">The logger, which gets session keys hashed (see <see cref="SessionKitOptions.LogSessionKeys"/>); none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException"><see cref="FileTokenStoreOptions.Path"/> is empty.</exception>
    public FileTokenStore(FileTokenStoreOptions? options = null, TimeProvider? timeProvider = null, ILogger<FileTokenStore>? logger = null)
    {
        options ??= new FileTokenStoreOptions();
        ArgumentException.ThrowIfNullOrEmpty(options.Path);
        var path = System.IO.Path.GetFullPath(options.Path);
        _lockTimeout = options.LockTimeout;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = SessionKeyLogging.Protect(logger);
        var keyFile = new KeyFile(System.IO.Path.GetFullPath(options.KeyPath ?? path + ".key"));
        _file = new StoreFile(path, keyFile, new StoreCodec(options.Identity ?? OwnerIdentity.Current, keyFile), _unsaved, _timeProvider, _logger);
    }

    /// <summary>Gets the store file.</summary>
    /// <value>The full path.</value>
    public string Path => _file.Path;

    /// <summary>Gets or sets a hook called at each stage of a write ("temp-written", "renamed"); crash tests kill the process there.</summary>
    internal Action<string>? WriteStageHook { get => _file.WriteStageHook; set => _file.WriteStageHook = value; }

    /// <summary>Gets or sets a replacement for the file's (timestamp, length), the cache key of reads; tests fake a coarse clock.</summary>
    internal Func<FileInfo, (DateTime LastWriteUtc, long Length)>? StatHook { get => _file.StatHook; set => _file.StatHook = value; }

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
            return new(_file.Read(fresh: _refreshHeld > 0).Sessions.GetValueOrDefault(key));
        }
        catch (UnusableStoreFileException)
        {
            return _file.ReadUnderLockAsync(key, static (snapshot, k) => snapshot.Sessions.GetValueOrDefault(k), _lockTimeout, cancellationToken);
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
            return new(_unsaved.Get(key) is null ? _file.Read(fresh: _refreshHeld > 0).Ends.GetValueOrDefault(key) : null);
        }
        catch (UnusableStoreFileException)
        {
            return _file.ReadUnderLockAsync(key, static (snapshot, k) => snapshot.Ends.GetValueOrDefault(k), _lockTimeout, cancellationToken);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> or <paramref name="session"/> is <see langword="null"/>.</exception>
    /// <exception cref="TokenStoreException">The file cannot be written.</exception>
    public async ValueTask SetAsync(string key, Session session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(session);
        await _file.MutateAsync(
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
            await _file.MutateAsync(
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
            Log.StoreWriteDeferred(_logger, _file.Path, replacement.Version);
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
        await _file.MutateAsync(
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
        await _file.MutateAsync((sessions, ends) => sessions.Remove(key) | ends.Remove(key), discardUnreadable: true, _lockTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <remarks>One OS lock per store file, shared by its keys. While it is held, this instance reads the file afresh.</remarks>
    /// <exception cref="TokenStoreException">The lock file cannot be opened (for example on a read-only file system).</exception>
    public async ValueTask<IAsyncDisposable> AcquireRefreshLockAsync(string sessionKey, CancellationToken cancellationToken)
    {
        await _refreshGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var fileLock = await _file.LockForRefreshAsync(_lockTimeout, cancellationToken).ConfigureAwait(false);
            _refreshHeld = 1;
            return new Releaser(fileLock, this);
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
        _file.Dispose();
        _refreshGate.Dispose();
    }

    /// <summary>A read while rotations wait in memory: try once to write them, then serve them if still unwritten.</summary>
    private async ValueTask<Session?> GetWithUnsavedAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await _file.MutateAsync(static (_, _) => false, discardUnreadable: false, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        }
        catch (TokenStoreException ex) when (ex.IsTransient)
        {
            // Still not writable: keep serving from memory.
        }

        return _unsaved.Get(key) ?? await GetAsync(key, cancellationToken).ConfigureAwait(false);
    }

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
