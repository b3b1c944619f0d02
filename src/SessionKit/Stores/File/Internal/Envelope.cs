// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Text.Json.Serialization;

namespace SessionKit.Internal;

/// <summary>
/// The unencrypted frame of a store file: format, owner binding, and the AES-GCM nonce, tag and ciphertext. Version 2 binds
/// to hashes of the machine id and the user id; version 1 (read, then rewritten as 2) bound to one hash that included the
/// host name.
/// </summary>
internal sealed class Envelope
{
    [JsonPropertyName("format")]
    public string? Format { get; set; }

    [JsonPropertyName("version")]
    public int Version { get; set; }

    /// <summary>Gets or sets the format 1 owner hash (machine, user name and host name), bound as authenticated data.</summary>
    [JsonPropertyName("owner")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Owner { get; set; }

    /// <summary>Gets or sets the hash of the machine id the file belongs to (format 2, bound as authenticated data).</summary>
    [JsonPropertyName("machine")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Machine { get; set; }

    /// <summary>Gets or sets the hash of the user id the file belongs to (format 2, bound as authenticated data).</summary>
    [JsonPropertyName("user")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? User { get; set; }

    [JsonPropertyName("nonce")]
    public string? Nonce { get; set; }

    [JsonPropertyName("tag")]
    public string? Tag { get; set; }

    [JsonPropertyName("data")]
    public string? Data { get; set; }
}
