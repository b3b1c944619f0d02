// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Internal;

/// <summary>Owner-only files and folders (0600 / 0700 on Unix, from the moment of creation) and durable renames.</summary>
internal static class OwnerOnly
{
    private const UnixFileMode FileMode600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode DirectoryMode700 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static FileStreamOptions Options(FileMode mode, FileAccess access, FileShare share)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = share };
        if (!OperatingSystem.IsWindows() && mode is FileMode.CreateNew or FileMode.Create or FileMode.OpenOrCreate)
        {
            options.UnixCreateMode = FileMode600;
        }

        return options;
    }

    public static void CreateDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, DirectoryMode700);
        }
    }

    /// <summary>Flushes a folder's entries to disk, so a rename inside it survives a power cut (Unix; a no-op elsewhere).</summary>
    public static void SyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var fd = Posix.OpenExisting(directory, write: false, out _);
        if (fd < 0)
        {
            return;
        }

        try
        {
            _ = Posix.Fsync(fd);
        }
        finally
        {
            _ = Posix.Close(fd);
        }
    }
}
