// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
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
/// machine and user account (their hashes are authenticated data), so a store copied to another host or account is refused
/// with <see cref="TokenStoreProblem.CopiedFromElsewhere"/> instead of being used to refresh.
/// </para>
/// <para>
/// <b>Across processes.</b> Writes are compare-and-swap under an OS file lock, and <see cref="IRefreshLock"/> holds a second
/// OS lock for the whole refresh, so processes sharing the file send each refresh token once; the next holder re-reads the
/// file and adopts the rotated session. OS locks die with their process, so a crashed holder never blocks the others.
/// </para>
/// <para>
/// <b>Bad files are kept.</b> A truncated, garbage, wrong-key or copied file raises <see cref="TokenStoreException"/> naming the
/// file and what to do, and is moved aside (<c>sessions.dat.corrupt-…</c>) for inspection, never overwritten.
/// </para>
/// <para>Reads are served from memory while the file's timestamp and size are unchanged. Thread-safe; one instance per file.</para>
/// </remarks>
public sealed class FileTokenStore : ITokenStore, IRefreshLock, IDisposable
{
    private const string Format = "sessionkit-file-store";
    private const int FormatVersion = 1;
    private const int KeySize = 32;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int MaxEnds = 1000;

    private readonly string _path;
    private readonly string _keyPath;
    private readonly string _directory;
    private readonly string _writeLockPath;
    private readonly string _refreshLockPath;
    private readonly string _owner;
    private readonly TimeSpan _lockTimeout;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly SemaphoreSlim _refreshGate = new(1, 1);
    private Snapshot? _snapshot;
    private byte[]? _key;
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
        _keyPath = System.IO.Path.GetFullPath(options.KeyPath ?? _path + ".key");
        _directory = System.IO.Path.GetDirectoryName(_path)!;
        _writeLockPath = _path + ".lock";
        _refreshLockPath = _path + ".refresh.lock";
        _owner = OwnerHash(options.OwnerIdentity ?? DefaultOwnerIdentity());
        _lockTimeout = options.LockTimeout;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Gets the store file.</summary>
    /// <value>The full path.</value>
    public string Path => _path;

    /// <summary>Gets or sets a hook called at each stage of a write ("temp-written", "renamed"); crash tests kill the process there.</summary>
    internal Action<string>? WriteStageHook { get; set; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    /// <exception cref="TokenStoreException">The file is corrupt, encrypted with another key, copied from elsewhere or unreadable.</exception>
    public ValueTask<Session?> GetAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        try
        {
            return new(Read().Sessions.GetValueOrDefault(key));
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
            return new(Read().Ends.GetValueOrDefault(key));
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
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    /// <exception cref="TokenStoreException">The file is unusable or cannot be written.</exception>
    public async ValueTask<bool> TryReplaceAsync(string key, Session? expected, Session? replacement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var swapped = false;
        await MutateAsync(
            (sessions, ends) =>
            {
                var current = sessions.GetValueOrDefault(key);
                if (!Session.SameTokens(current, expected))
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
            cancellationToken).ConfigureAwait(false);
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
            cancellationToken).ConfigureAwait(false);
        return ended;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    public async ValueTask RemoveAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await MutateAsync((sessions, ends) => sessions.Remove(key) | ends.Remove(key), discardUnreadable: true, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <remarks>One OS lock per store file, shared by its keys.</remarks>
    public async ValueTask<IAsyncDisposable> AcquireRefreshLockAsync(string sessionKey, CancellationToken cancellationToken)
    {
        await _refreshGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            OwnerOnly.CreateDirectory(_directory);
            var fileLock = await FileLock.AcquireAsync(_refreshLockPath, _lockTimeout, _timeProvider, cancellationToken).ConfigureAwait(false);
            return new Releaser(fileLock, _refreshGate);
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

    private static string DefaultOwnerIdentity()
    {
        string machine;
        try
        {
            machine = File.Exists("/etc/machine-id") ? File.ReadAllText("/etc/machine-id").Trim() : Environment.MachineName;
        }
        catch (IOException)
        {
            machine = Environment.MachineName;
        }
        catch (UnauthorizedAccessException)
        {
            machine = Environment.MachineName;
        }

        return $"machine={machine};user={Environment.UserName};domain={Environment.UserDomainName}";
    }

    private static string OwnerHash(string identity) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes("sessionkit-owner:" + identity))).ToLowerInvariant();

    private byte[] AssociatedData() => Encoding.UTF8.GetBytes($"{Format}:v{FormatVersion}:{_owner}");

    /// <summary>Reads again under the write lock; a file still unusable there is moved aside and reported.</summary>
    private async ValueTask<T?> ReadUnderLockAsync<T>(string key, Func<Snapshot, string, T?> pick, CancellationToken cancellationToken)
        where T : class
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var fileLock = await LockForWriteAsync(cancellationToken).ConfigureAwait(false);
            await using (fileLock.ConfigureAwait(false))
            {
                try
                {
                    return pick(Read(), key);
                }
                catch (UnusableStoreFileException ex)
                {
                    throw Quarantine(ex);
                }
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async ValueTask<FileLock> LockForWriteAsync(CancellationToken cancellationToken)
    {
        OwnerOnly.CreateDirectory(_directory);
        try
        {
            return await FileLock.AcquireAsync(_writeLockPath, _lockTimeout, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw Problem(TokenStoreProblem.Unreadable, null, $"The session store '{_path}' cannot be locked: {ex.Message}. Check the permissions of its folder.", ex);
        }
    }

    /// <summary>Applies <paramref name="change"/> to the current sessions under the write lock and writes them if it returns true.</summary>
    private async ValueTask MutateAsync(Func<Dictionary<string, Session>, Dictionary<string, SessionEnd>, bool> change, bool discardUnreadable, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var fileLock = await LockForWriteAsync(cancellationToken).ConfigureAwait(false);
            await using (fileLock.ConfigureAwait(false))
            {
                Snapshot current;
                try
                {
                    current = Read();
                }
                catch (UnusableStoreFileException ex)
                {
                    var failure = Quarantine(ex);
                    if (!discardUnreadable || failure.KeptAsidePath is null)
                    {
                        throw failure;
                    }

                    // A sign-in or sign-out replaces an unusable file; the bad one is kept aside.
                    current = Snapshot.Empty;
                }

                var sessions = new Dictionary<string, Session>(current.Sessions, StringComparer.Ordinal);
                var ends = new Dictionary<string, SessionEnd>(current.Ends, StringComparer.Ordinal);
                if (change(sessions, ends))
                {
                    Write(sessions, ends);
                }
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private Snapshot Read()
    {
        FileInfo info;
        try
        {
            info = new FileInfo(_path);
            if (!info.Exists)
            {
                _snapshot = Snapshot.Empty;
                return Snapshot.Empty;
            }
        }
        catch (UnauthorizedAccessException ex)
        {
            throw Problem(TokenStoreProblem.Unreadable, null, $"The session store '{_path}' cannot be read: {ex.Message}. Check its permissions.", ex);
        }

        var cached = _snapshot;
        if (cached is not null && cached.LastWriteUtc == info.LastWriteTimeUtc && cached.Length == info.Length)
        {
            return cached;
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(_path);
        }
        catch (FileNotFoundException)
        {
            return Read();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Problem(TokenStoreProblem.Unreadable, null, $"The session store '{_path}' cannot be read: {ex.Message}. Check its permissions and the disk.", ex);
        }

        var (decodedSessions, decodedEnds) = Decode(bytes);
        var snapshot = new Snapshot(info.LastWriteTimeUtc, info.Length, decodedSessions, decodedEnds);
        _snapshot = snapshot;
        return snapshot;
    }

    private (Dictionary<string, Session> Sessions, Dictionary<string, SessionEnd> Ends) Decode(byte[] bytes)
    {
        Envelope envelope;
        try
        {
            envelope = JsonSerializer.Deserialize(bytes, FileStoreJsonContext.Default.Envelope)
                ?? throw new JsonException("empty envelope");
            if (envelope.Format != Format || envelope.Version != FormatVersion || envelope.Owner is null || envelope.Nonce is null || envelope.Tag is null || envelope.Data is null)
            {
                throw new JsonException("not a SessionKit file store");
            }
        }
        catch (JsonException ex)
        {
            throw new UnusableStoreFileException(TokenStoreProblem.Corrupt, "is corrupt (truncated or not a SessionKit store)", "Sign in again to create a new one.", ex);
        }

        if (!string.Equals(envelope.Owner, _owner, StringComparison.Ordinal))
        {
            throw new UnusableStoreFileException(TokenStoreProblem.CopiedFromElsewhere, "was written on another machine or by another user account", "Session files cannot be moved between hosts or accounts: sign in on this host.", null);
        }

        var key = LoadKey(createIfMissing: false);
        if (key is null)
        {
            throw new UnusableStoreFileException(TokenStoreProblem.WrongKey, $"cannot be decrypted: its key file '{_keyPath}' is missing", "Sign in again to create a new store and key.", null);
        }

        byte[] plain;
        try
        {
            var nonce = Convert.FromBase64String(envelope.Nonce);
            var tag = Convert.FromBase64String(envelope.Tag);
            var cipher = Convert.FromBase64String(envelope.Data);
            plain = new byte[cipher.Length];
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(nonce, cipher, tag, plain, AssociatedData());
        }
        catch (FormatException ex)
        {
            throw new UnusableStoreFileException(TokenStoreProblem.Corrupt, "is corrupt (bad encoding)", "Sign in again to create a new one.", ex);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            throw new UnusableStoreFileException(TokenStoreProblem.WrongKey, $"does not decrypt with the key in '{_keyPath}' (the key was replaced, or the file altered)", "Sign in again to create a new store.", ex);
        }

        try
        {
            var content = JsonSerializer.Deserialize(plain, FileStoreJsonContext.Default.StoreContent) ?? new StoreContent();
            var sessions = new Dictionary<string, Session>(StringComparer.Ordinal);
            foreach (var (name, record) in content.Sessions)
            {
                sessions[name] = record.ToSession();
            }

            var ends = new Dictionary<string, SessionEnd>(StringComparer.Ordinal);
            foreach (var (name, record) in content.Ends ?? [])
            {
                ends[name] = record.ToEnd();
            }

            return (sessions, ends);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            throw new UnusableStoreFileException(TokenStoreProblem.Corrupt, "holds unreadable session data", "Sign in again to create a new one.", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    private void Write(Dictionary<string, Session> sessions, Dictionary<string, SessionEnd> ends)
    {
        var key = LoadKey(createIfMissing: true)!;
        var content = new StoreContent();
        foreach (var (name, session) in sessions)
        {
            content.Sessions[name] = SessionRecord.From(session);
        }

        if (ends.Count > 0)
        {
            content.Ends = new Dictionary<string, EndRecord>(StringComparer.Ordinal);
            foreach (var (name, end) in ends)
            {
                content.Ends[name] = EndRecord.From(end);
            }
        }

        var plain = JsonSerializer.SerializeToUtf8Bytes(content, FileStoreJsonContext.Default.StoreContent);
        var nonce = RandomNumberGenerator.GetBytes(NonceSize);
        var cipher = new byte[plain.Length];
        var tag = new byte[TagSize];
        using (var aes = new AesGcm(key, TagSize))
        {
            aes.Encrypt(nonce, plain, cipher, tag, AssociatedData());
        }

        CryptographicOperations.ZeroMemory(plain);
        var envelope = new Envelope
        {
            Format = Format,
            Version = FormatVersion,
            Owner = _owner,
            Nonce = Convert.ToBase64String(nonce),
            Tag = Convert.ToBase64String(tag),
            Data = Convert.ToBase64String(cipher),
        };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(envelope, FileStoreJsonContext.Default.Envelope);

        var temp = System.IO.Path.Combine(_directory, $".{System.IO.Path.GetFileName(_path)}.tmp-{Convert.ToHexString(RandomNumberGenerator.GetBytes(6))}");
        try
        {
            using (var stream = new FileStream(temp, OwnerOnly.Options(FileMode.CreateNew, FileAccess.Write, FileShare.None)))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            WriteStageHook?.Invoke("temp-written");
            File.Move(temp, _path, overwrite: true);
            WriteStageHook?.Invoke("renamed");
            OwnerOnly.SyncDirectory(_directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw Problem(TokenStoreProblem.Unreadable, null, $"The session store '{_path}' cannot be written: {ex.Message}. The previous file is unchanged.", ex);
        }

        var info = new FileInfo(_path);
        _snapshot = new Snapshot(info.LastWriteTimeUtc, info.Length, sessions, ends);
        SweepStaleTempFiles();
    }

    /// <summary>Deletes temporary files a crashed writer left (older than a minute), once per instance, under the write lock.</summary>
    private void SweepStaleTempFiles()
    {
        if (_sweptTempFiles)
        {
            return;
        }

        _sweptTempFiles = true;
        var cutoff = _timeProvider.GetUtcNow().UtcDateTime - TimeSpan.FromMinutes(1);
        try
        {
            foreach (var stale in Directory.EnumerateFiles(_directory, $".{System.IO.Path.GetFileName(_path)}.tmp-*"))
            {
                if (File.GetLastWriteTimeUtc(stale) < cutoff)
                {
                    TryDelete(stale);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort.
        }
    }

    private byte[]? LoadKey(bool createIfMissing)
    {
        if (_key is { } cached && File.Exists(_keyPath))
        {
            return cached;
        }

        try
        {
            if (File.Exists(_keyPath))
            {
                var existing = File.ReadAllBytes(_keyPath);
                return existing.Length == KeySize ? _key = existing : null;
            }

            if (!createIfMissing)
            {
                return null;
            }

            OwnerOnly.CreateDirectory(System.IO.Path.GetDirectoryName(_keyPath)!);
            var fresh = RandomNumberGenerator.GetBytes(KeySize);
            try
            {
                using var stream = new FileStream(_keyPath, OwnerOnly.Options(FileMode.CreateNew, FileAccess.Write, FileShare.None));
                stream.Write(fresh);
                stream.Flush(flushToDisk: true);
                return _key = fresh;
            }
            catch (IOException) when (File.Exists(_keyPath))
            {
                // Another process created it first: use theirs.
                return LoadKey(createIfMissing: false);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Problem(TokenStoreProblem.Unreadable, null, $"The key file '{_keyPath}' cannot be read or created: {ex.Message}. Check its permissions.", ex);
        }
    }

    private TokenStoreException Quarantine(UnusableStoreFileException unusable)
    {
        var (problem, what, todo, cause) = (unusable.Problem, unusable.Message, unusable.Todo, unusable.InnerException);
        var aside = $"{_path}.{problem.ToString().ToLowerInvariant()}-{_timeProvider.GetUtcNow():yyyyMMddHHmmssfff}";
        string? keptAt = null;
        try
        {
            File.Move(_path, aside, overwrite: false);
            keptAt = aside;
            _snapshot = null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Another process may have moved it already; the error below still tells what happened.
        }

        Log.StoreFileUnusable(_logger, _path, problem, keptAt);
        var kept = keptAt is null ? string.Empty : $" It was moved to '{keptAt}' for inspection.";
        return Problem(problem, keptAt, $"The session store '{_path}' {what}.{kept} {todo}", cause);
    }

    private TokenStoreException Problem(TokenStoreProblem problem, string? keptAside, string message, Exception? cause) =>
        new(problem, _path, keptAside, message, cause);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: a stray temp file is harmless.
        }
    }

    /// <summary>A parsed file, valid while the file's timestamp and length are unchanged.</summary>
    private sealed record Snapshot(DateTime LastWriteUtc, long Length, Dictionary<string, Session> Sessions, Dictionary<string, SessionEnd> Ends)
    {
        public static readonly Snapshot Empty = new(DateTime.MinValue, -1, new Dictionary<string, Session>(StringComparer.Ordinal), new Dictionary<string, SessionEnd>(StringComparer.Ordinal));
    }

    private sealed class Releaser(FileLock fileLock, SemaphoreSlim gate) : IAsyncDisposable
    {
        private int _released;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                await fileLock.DisposeAsync().ConfigureAwait(false);
                gate.Release();
            }
        }
    }
}
