// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using SessionKit.Testing;

namespace SessionKit.TestSupport;

/// <summary>Sessions for tests (linked into each test project that needs them).</summary>
internal static class Sessions
{
    public static Session Make(long version = 0, string? refresh = null) => new()
    {
        AccessToken = "access-" + Guid.NewGuid().ToString("N"),
        RefreshToken = refresh ?? "refresh-" + Guid.NewGuid().ToString("N"),
        ExpiresAt = DateTimeOffset.UnixEpoch.AddYears(60),
        IssuedAt = DateTimeOffset.UnixEpoch.AddYears(59),
        UserId = "user-" + Guid.NewGuid().ToString("N")[..6],
        Version = version,
    };

    public static Session Next(Session current) => new()
    {
        AccessToken = "access-" + Guid.NewGuid().ToString("N"),
        RefreshToken = "refresh-" + Guid.NewGuid().ToString("N"),
        ExpiresAt = current.ExpiresAt,
        IssuedAt = current.IssuedAt,
        UserId = current.UserId,
        Version = current.Version + 1,
    };

    /// <summary>A session issued by the test server, with the expiry given (to start expired, for example).</summary>
    public static Session From(IssuedTokens issued, DateTimeOffset expiresAt) => new()
    {
        AccessToken = issued.AccessToken,
        RefreshToken = issued.RefreshToken,
        ExpiresAt = expiresAt,
        IssuedAt = expiresAt.AddSeconds(-2),
    };
}
