// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Internal;

/// <summary>A decoded store file, and the file's timestamp and length when it was read (the cache key outside the locks).</summary>
internal sealed record StoreSnapshot(DateTime LastWriteUtc, long Length, Dictionary<string, Session> Sessions, Dictionary<string, SessionEnd> Ends)
{
    public static readonly StoreSnapshot Empty = new(DateTime.MinValue, -1, new(StringComparer.Ordinal), new(StringComparer.Ordinal));
}
