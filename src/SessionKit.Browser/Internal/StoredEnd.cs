// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Text.Json.Serialization;

namespace SessionKit.Browser.Internal;

/// <summary>The JSON shape of a tombstone in its entry.</summary>
internal sealed class StoredEnd
{
    [JsonPropertyName("r")]
    public SessionEndReason Reason { get; set; }

    [JsonPropertyName("u")]
    public string? UserId { get; set; }

    [JsonPropertyName("c")]
    public string? ErrorCode { get; set; }

    [JsonPropertyName("d")]
    public string? ErrorDescription { get; set; }

    [JsonPropertyName("at")]
    public DateTimeOffset EndedAt { get; set; }

    [JsonPropertyName("id")]
    public string Id { get; set; } = string.Empty;
}
