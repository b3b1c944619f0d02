// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Testing.Internal;

internal sealed class TestSession
{
    public required string Id { get; init; }

    public required TestUser User { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? RefreshedAt { get; set; }

    /// <summary>Gets the refresh tokens of this session (its family), oldest first.</summary>
    public List<RefreshTokenRow> Tokens { get; } = [];

    /// <summary>Gets the newest unrevoked token, the one a healthy client holds.</summary>
    public RefreshTokenRow? Active => Tokens.LastOrDefault(t => !t.Revoked);
}
