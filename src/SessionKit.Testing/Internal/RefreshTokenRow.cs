// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Testing.Internal;

internal sealed class RefreshTokenRow
{
    public required string Token { get; init; }

    public required TestSession Session { get; init; }

    public string? Parent { get; init; }

    public bool Revoked { get; set; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets or sets when the row last changed: in effect, when the token was exchanged or revoked.</summary>
    public required DateTimeOffset UpdatedAt { get; set; }
}
