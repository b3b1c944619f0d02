// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Text.Json.Serialization;

namespace SessionKit.Redis.Internal;

/// <summary>The JSON shape of a session inside its encrypted payload.</summary>
internal sealed class StoredSession
{
    /// <summary>Gets or sets the session key the payload was written for: a payload copied under another key is refused.</summary>
    [JsonPropertyName("k")]
    public string Key { get; set; } = string.Empty;

    [JsonPropertyName("a")]
    public string AccessToken { get; set; } = string.Empty;

    [JsonPropertyName("r")]
    public string? RefreshToken { get; set; }

    [JsonPropertyName("e")]
    public DateTimeOffset ExpiresAt { get; set; }

    [JsonPropertyName("i")]
    public DateTimeOffset? IssuedAt { get; set; }

    [JsonPropertyName("t")]
    public string TokenType { get; set; } = "bearer";

    [JsonPropertyName("u")]
    public string? UserId { get; set; }

    [JsonPropertyName("v")]
    public long Version { get; set; }
}
