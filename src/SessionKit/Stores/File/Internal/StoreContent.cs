// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Text.Json.Serialization;

namespace SessionKit.Internal;

/// <summary>The encrypted content of a store file: sessions by key.</summary>
internal sealed class StoreContent
{
    [JsonPropertyName("sessions")]
    public Dictionary<string, SessionRecord> Sessions { get; set; } = new(StringComparer.Ordinal);

    [JsonPropertyName("ends")]
    public Dictionary<string, EndRecord>? Ends { get; set; }
}
