// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Runtime.InteropServices;

namespace SessionKit.Internal;

/// <summary>
/// The few libc calls the file store needs on Unix (Linux and macOS), source-generated and trimming-safe: descriptors opened
/// with close-on-exec, <c>flock</c>, <c>fsync</c>, <c>link</c> (create without overwriting) and <c>getuid</c>.
/// </summary>
internal static partial class Posix
{
    public const int LockShared = 1;
    public const int LockExclusive = 2;
    public const int LockNonBlocking = 4;

    private const int ReadOnly = 0;
    private const int ReadWrite = 2;

    /// <summary>Gets EWOULDBLOCK (= EAGAIN): 11 on Linux, 35 on macOS and the BSDs.</summary>
    public static int WouldBlock => OperatingSystem.IsLinux() ? 11 : 35;

    /// <summary>Gets ENOENT.</summary>
    public static int NotFound => 2;

    /// <summary>Gets EEXIST.</summary>
    public static int Exists => 17;

    private static int CloseOnExec => OperatingSystem.IsLinux() ? 0x80000 : OperatingSystem.IsMacOS() ? 0x1000000 : 0;

    /// <summary>Opens an existing file or folder (never creates one); returns the descriptor or -1 with <paramref name="errno"/>.</summary>
    public static int OpenExisting(string path, bool write, out int errno)
    {
        var fd = Open(path, (write ? ReadWrite : ReadOnly) | CloseOnExec);
        errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        return fd;
    }

    /// <summary>Takes or converts a <c>flock</c>; returns 0 or the errno.</summary>
    public static int TryFlock(int fd, int operation) => Flock(fd, operation) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Creates <paramref name="newPath"/> as a second name of <paramref name="existingPath"/>; fails with EEXIST rather than overwrite.</summary>
    public static int TryLink(string existingPath, string newPath) => Link(existingPath, newPath) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>An <see cref="IOException"/> carrying the OS's text for <paramref name="errno"/> (its HResult is the errno, as .NET does).</summary>
    public static IOException Error(int errno, string path) => new($"{Marshal.GetPInvokeErrorMessage(errno)} ('{path}')", errno);

    /// <summary>The owner (uid) of a file, read with <c>statx</c> (Linux, whose layout is the same on every architecture).</summary>
    public static bool TryGetOwner(string path, out uint uid)
    {
        uid = 0;
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        Span<byte> buffer = stackalloc byte[256];
        try
        {
            if (Statx(-100 /* AT_FDCWD */, path, 0, 0x8 /* STATX_UID */, ref MemoryMarshal.GetReference(buffer)) != 0)
            {
                return false;
            }
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }

        uid = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(buffer[20..]);
        if (!BitConverter.IsLittleEndian)
        {
            uid = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(uid);
        }

        return true;
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directoryFd, string path, int flags, uint mask, ref byte buffer);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close")]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "fsync")]
    public static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Link(string existingPath, string newPath);

    [LibraryImport("libc", EntryPoint = "getuid")]
    public static partial uint GetUid();
}
