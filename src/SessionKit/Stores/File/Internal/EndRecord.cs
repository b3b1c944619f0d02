// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Text.Json.Serialization;

namespace SessionKit.Internal;

/// <summary>A <see cref="SessionEnd"/> (tombstone) as persisted (time as Unix milliseconds, reason by name).</summary>
internal sealed class EndRecord
{
    [JsonPropertyName("reason")]
    public string? Reason { get; set; }

    [JsonPropertyName("user_id")]
    public string? UserId { get; set; }

    [JsonPropertyName("error_code")]
    public string? ErrorCode { get; set; }

    [JsonPropertyName("error_description")]
    public string? ErrorDescription { get; set; }

    [JsonPropertyName("ended_at")]
    public long EndedAt { get; set; }

    [JsonPropertyName("id")]
    public string? Id { get; set; }

    public static EndRecord From(SessionEnd end) => new()
    {
        Reason = end.Reason.ToString(),
        UserId = end.UserId,
        ErrorCode = end.ErrorCode,
        ErrorDescription = end.ErrorDescription,
        EndedAt = end.EndedAt.ToUnixTimeMilliseconds(),
        Id = end.Id,
    };

    /// <exception cref="InvalidOperationException">The record lacks a known reason or an id.</exception>
    public SessionEnd ToEnd() => new()
    {
        Reason = Enum.TryParse<SessionEndReason>(Reason, ignoreCase: false, out var reason) && Enum.IsDefined(reason)
            ? reason
            : throw new InvalidOperationException("a stored session end has no known reason"),
        UserId = UserId,
        ErrorCode = ErrorCode,
        ErrorDescription = ErrorDescription,
        EndedAt = DateTimeOffset.FromUnixTimeMilliseconds(EndedAt),
        Id = string.IsNullOrEmpty(Id) ? throw new InvalidOperationException("a stored session end has no id") : Id,
    };
}
