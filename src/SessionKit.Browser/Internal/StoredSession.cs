// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Text.Json.Serialization;

namespace SessionKit.Browser.Internal;

/// <summary>The JSON shape of a session in its entry.</summary>
internal sealed class StoredSession
{
    [JsonPropertyName("a")]
    public string AccessToken { get; set; } = string.Empty;

    [JsonPropertyName("r")]
    public string? RefreshToken { get; set; }

    [JsonPropertyName("x")]
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
