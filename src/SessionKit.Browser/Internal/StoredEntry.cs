// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Text.Json.Serialization;

namespace SessionKit.Browser.Internal;

/// <summary>The JSON shape of one web-storage entry: a session or a tombstone, the key it belongs to, and the tab that wrote it.</summary>
internal sealed class StoredEntry
{
    /// <summary>The format version; entries of another format are refused as corrupt rather than misread.</summary>
    public const int CurrentFormat = 1;

    [JsonPropertyName("f")]
    public int Format { get; set; }

    /// <summary>Gets or sets the session key the entry was written for: an entry copied under another key is refused.</summary>
    [JsonPropertyName("k")]
    public string Key { get; set; } = string.Empty;

    /// <summary>Gets or sets the id of the tab that wrote the entry (shown by apps; never trusted for anything).</summary>
    [JsonPropertyName("w")]
    public string? Writer { get; set; }

    [JsonPropertyName("s")]
    public StoredSession? Session { get; set; }

    [JsonPropertyName("e")]
    public StoredEnd? End { get; set; }
}
