// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Text.Json.Serialization;

namespace SessionKit.Internal;

/// <summary>The unencrypted frame of a store file: format, owner binding, and the AES-GCM nonce, tag and ciphertext.</summary>
internal sealed class Envelope
{
    [JsonPropertyName("format")]
    public string? Format { get; set; }

    [JsonPropertyName("version")]
    public int Version { get; set; }

    /// <summary>Gets or sets the hash of the machine and user the file belongs to (also bound as authenticated data).</summary>
    [JsonPropertyName("owner")]
    public string? Owner { get; set; }

    [JsonPropertyName("nonce")]
    public string? Nonce { get; set; }

    [JsonPropertyName("tag")]
    public string? Tag { get; set; }

    [JsonPropertyName("data")]
    public string? Data { get; set; }
}
