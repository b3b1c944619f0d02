// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Security.Cryptography;

namespace SessionKit.Internal;

/// <summary>
/// The store's 256-bit AES-GCM key file. A new key is written to a temporary file, flushed, and then given its name without
/// overwriting (a hard link on Unix, a move on Windows), so a full disk or a crash never leaves a short key behind, and a
/// concurrent creator's key wins over ours.
/// </summary>
internal sealed class KeyFile(string path)
{
    public const int Size = 32;

    private byte[]? _cached;

    public string Path => path;

    /// <summary>Reads the key; <see langword="null"/> when there is no key file.</summary>
    /// <exception cref="UnusableStoreFileException">The key file has the wrong length.</exception>
    /// <exception cref="IOException">The key file cannot be read.</exception>
    public byte[]? Load()
    {
        if (_cached is { } cached && File.Exists(path))
        {
            return cached;
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            _cached = null;
            return null;
        }

        if (bytes.Length != Size)
        {
            throw Damaged(bytes.Length);
        }

        return _cached = bytes;
    }

    /// <summary>The key to encrypt with: the existing one, or a new one when there is none (or a damaged one guarding no data).</summary>
    /// <param name="dataFileExists">Whether a store file exists: a damaged key is then not replaced, as the file needs it.</param>
    /// <exception cref="UnusableStoreFileException">The key file is damaged and a store file still needs it.</exception>
    /// <exception cref="IOException">The key cannot be read or written (for example the disk is full).</exception>
    public byte[] LoadOrCreate(bool dataFileExists)
    {
        var replace = false;
        try
        {
            if (Load() is { } existing)
            {
                return existing;
            }
        }
        catch (UnusableStoreFileException) when (!dataFileExists)
        {
            // A short key (a crash or a full disk while it was created elsewhere) that encrypts nothing: replace it.
            replace = true;
        }

        var folder = System.IO.Path.GetDirectoryName(path)!;
        OwnerOnly.CreateDirectory(folder);
        var fresh = RandomNumberGenerator.GetBytes(Size);
        var temp = AtomicFile.TempPath(path);
        try
        {
            using (var stream = new FileStream(temp, OwnerOnly.Options(FileMode.CreateNew, FileAccess.Write, FileShare.None)))
            {
                stream.Write(fresh);
                stream.Flush(flushToDisk: true);
            }

            if (replace)
            {
                File.Move(temp, path, overwrite: true);
            }
            else if (!TryPlaceWithoutOverwrite(temp, path))
            {
                // Another process created the key first: use theirs.
                return Load() ?? throw new IOException($"The key file '{path}' vanished while it was being created.");
            }

            OwnerOnly.SyncDirectory(folder);
            return _cached = fresh;
        }
        finally
        {
            AtomicFile.TryDelete(temp);
        }
    }

    private static bool TryPlaceWithoutOverwrite(string temp, string path)
    {
        if (OperatingSystem.IsWindows())
        {
            try
            {
                File.Move(temp, path, overwrite: false);
                return true;
            }
            catch (IOException) when (File.Exists(path))
            {
                return false;
            }
        }

        var errno = Posix.TryLink(temp, path);
        return errno == 0 ? true : errno == Posix.Exists ? false : throw Posix.Error(errno, path);
    }

    private UnusableStoreFileException Damaged(int length) => new(
        TokenStoreProblem.WrongKey,
        $"cannot be decrypted: its key file '{path}' is damaged ({length} bytes instead of {Size})",
        "Sign in again to create a new store and key.",
        null);
}
