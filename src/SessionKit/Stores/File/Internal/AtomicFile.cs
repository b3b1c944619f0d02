// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Security.Cryptography;

namespace SessionKit.Internal;

/// <summary>
/// Replaces a file atomically and durably: a temporary file in the same folder, flushed to disk, renamed over the target, then
/// the folder flushed. A crash at any instant leaves the old or the new file, never a torn one.
/// </summary>
internal static class AtomicFile
{
    /// <summary>A fresh temporary name beside <paramref name="path"/> (<c>.name.tmp-XXXXXXXXXXXX</c>).</summary>
    public static string TempPath(string path) =>
        Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.tmp-{Convert.ToHexString(RandomNumberGenerator.GetBytes(6))}");

    /// <summary>Writes <paramref name="bytes"/> as <paramref name="path"/>; <paramref name="stageHook"/> sees "temp-written" and "renamed".</summary>
    /// <exception cref="IOException">The file cannot be written (the previous one is unchanged).</exception>
    /// <exception cref="UnauthorizedAccessException">The folder is not writable.</exception>
    public static void Replace(string path, ReadOnlySpan<byte> bytes, Action<string>? stageHook)
    {
        var temp = TempPath(path);
        try
        {
            using (var stream = new FileStream(temp, OwnerOnly.Options(FileMode.CreateNew, FileAccess.Write, FileShare.None)))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            stageHook?.Invoke("temp-written");
            File.Move(temp, path, overwrite: true);
            stageHook?.Invoke("renamed");
            OwnerOnly.SyncDirectory(Path.GetDirectoryName(path)!);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Deletes temporary files of <paramref name="path"/> a crashed writer left, older than <paramref name="cutoff"/>.</summary>
    public static void SweepStale(string path, DateTime cutoff)
    {
        try
        {
            foreach (var stale in Directory.EnumerateFiles(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.tmp-*"))
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

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: a stray temporary file is harmless.
        }
    }
}
