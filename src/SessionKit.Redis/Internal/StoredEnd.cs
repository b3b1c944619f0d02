// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Text.Json.Serialization;

namespace SessionKit.Redis.Internal;

/// <summary>The JSON shape of a tombstone inside its encrypted payload (it holds a user id: personal data).</summary>
internal sealed class StoredEnd
{
    [JsonPropertyName("k")]
    public string Key { get; set; } = string.Empty;

    [JsonPropertyName("reason")]
    public SessionEndReason Reason { get; set; }

    [JsonPropertyName("u")]
    public string? UserId { get; set; }

    [JsonPropertyName("code")]
    public string? ErrorCode { get; set; }

    [JsonPropertyName("desc")]
    public string? ErrorDescription { get; set; }

    [JsonPropertyName("at")]
    public DateTimeOffset EndedAt { get; set; }

    [JsonPropertyName("id")]
    public string Id { get; set; } = string.Empty;
}
