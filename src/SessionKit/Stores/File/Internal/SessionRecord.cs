// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Text.Json.Serialization;

namespace SessionKit.Internal;

/// <summary>A <see cref="Session"/> as persisted (times as Unix milliseconds).</summary>
internal sealed class SessionRecord
{
    [JsonPropertyName("access_token")]
    public string? AccessToken { get; set; }

    [JsonPropertyName("refresh_token")]
    public string? RefreshToken { get; set; }

    [JsonPropertyName("expires_at")]
    public long ExpiresAt { get; set; }

    [JsonPropertyName("issued_at")]
    public long? IssuedAt { get; set; }

    [JsonPropertyName("token_type")]
    public string? TokenType { get; set; }

    [JsonPropertyName("user_id")]
    public string? UserId { get; set; }

    [JsonPropertyName("version")]
    public long Version { get; set; }

    public static SessionRecord From(Session session) => new()
    {
        AccessToken = session.AccessToken,
        RefreshToken = session.RefreshToken,
        ExpiresAt = session.ExpiresAt == DateTimeOffset.MaxValue ? long.MaxValue : session.ExpiresAt.ToUnixTimeMilliseconds(),
        IssuedAt = session.IssuedAt?.ToUnixTimeMilliseconds(),
        TokenType = session.TokenType,
        UserId = session.UserId,
        Version = session.Version,
    };

    /// <exception cref="InvalidOperationException">The record lacks an access token.</exception>
    public Session ToSession() => new()
    {
        AccessToken = string.IsNullOrEmpty(AccessToken) ? throw new InvalidOperationException("a stored session has no access token") : AccessToken,
        RefreshToken = RefreshToken,
        ExpiresAt = ExpiresAt == long.MaxValue ? DateTimeOffset.MaxValue : DateTimeOffset.FromUnixTimeMilliseconds(ExpiresAt),
        IssuedAt = IssuedAt is { } issued ? DateTimeOffset.FromUnixTimeMilliseconds(issued) : null,
        TokenType = TokenType ?? "bearer",
        UserId = UserId,
        Version = Version,
    };
}
