// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Diagnostics;

namespace SessionKit.Tests.Support;

/// <summary>
/// A small file system the test mounts itself (Linux, as root): a loop-mounted ext4 image with 128-byte inodes (1-second
/// timestamps) or a size-limited tmpfs. Where it cannot mount (not Linux, not root, no loop device, no mkfs) the test is
/// ignored with the reason. Disposing unmounts it and deletes everything.
/// </summary>
internal sealed class ScratchMount : IDisposable
{
    private readonly DirectoryInfo _root;
    private bool _mounted;

    private ScratchMount(DirectoryInfo root, string path)
    {
        _root = root;
        Path = path;
    }

    /// <summary>Gets the mount point.</summary>
    public string Path { get; }

    /// <summary>An ext4 image whose inodes are 128 bytes, so file timestamps have whole-second resolution.</summary>
    public static ScratchMount CoarseTimestampExt4(int megabytes = 8)
    {
        var mount = Prepare("coarse-timestamp ext4 loop mount");
        var image = System.IO.Path.Combine(mount._root.FullName, "fs.img");
        using (var file = File.Create(image))
        {
            file.SetLength(megabytes * 1024L * 1024L);
        }

        mount.RunOrIgnore("mkfs.ext4", "-q", "-F", "-I", "128", image);
        mount.RunOrIgnore("mount", "-o", "loop", image, mount.Path);
        mount._mounted = true;
        return mount;
    }

    /// <summary>A tmpfs of <paramref name="kilobytes"/> KiB, to fill up or to remount read-only.</summary>
    public static ScratchMount Tmpfs(int kilobytes)
    {
        var mount = Prepare("tmpfs mount");
        mount.RunOrIgnore("mount", "-t", "tmpfs", "-o", $"size={kilobytes}k,mode=0700", "tmpfs", mount.Path);
        mount._mounted = true;
        return mount;
    }

    /// <summary>Remounts read-only (<see langword="true"/>) or read-write.</summary>
    public void SetReadOnly(bool readOnly) => Run("mount", "-o", readOnly ? "remount,ro" : "remount,rw", Path);

    /// <summary>Writes a file until the file system is full; delete it to free the space.</summary>
    public string Fill()
    {
        var filler = System.IO.Path.Combine(Path, "filler");
        var block = new byte[4096];
        using var stream = new FileStream(filler, FileMode.Create, FileAccess.Write, FileShare.None, 1);
        try
        {
            while (true)
            {
                stream.Write(block);
            }
        }
        catch (IOException)
        {
            // ENOSPC: full.
        }

        return filler;
    }

    public void Dispose()
    {
        if (_mounted && Run("umount", Path) != 0)
        {
            Run("umount", "-l", Path);
        }

        try
        {
            _root.Delete(recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    private static ScratchMount Prepare(string what)
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore($"Needs a {what}: Linux only.");
        }

        if (Environment.UserName != "root")
        {
            Assert.Ignore($"Needs a {what}: run as root (CI does) to mount a scratch file system.");
        }

        var root = Directory.CreateTempSubdirectory("sessionkit-mount-");
        var path = System.IO.Path.Combine(root.FullName, "mnt");
        Directory.CreateDirectory(path);
        return new ScratchMount(root, path);
    }

    private static int Run(string command, params string[] arguments) => Run(command, arguments, out _);

    private static int Run(string command, string[] arguments, out string errors)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            errors = stderr.Result;
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            errors = ex.Message;
            return -1;
        }
    }

    private void RunOrIgnore(string command, params string[] arguments)
    {
        if (Run(command, arguments, out var errors) != 0)
        {
            Dispose();
            Assert.Ignore($"Cannot set up the scratch file system ('{command} {string.Join(' ', arguments)}' failed: {errors.Trim()}). Needs root, a loop device and e2fsprogs.");
        }
    }
}
