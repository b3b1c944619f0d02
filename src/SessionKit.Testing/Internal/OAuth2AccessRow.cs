// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Testing.Internal;

/// <summary>An opaque access token an <see cref="OAuth2TestServer"/> issued (validated by lookup, like a reference token).</summary>
internal sealed class OAuth2AccessRow
{
    public required string Token { get; init; }

    public required OAuth2Grant Grant { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public bool Revoked { get; set; }
}
