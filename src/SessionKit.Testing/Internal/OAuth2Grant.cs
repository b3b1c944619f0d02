// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Testing.Internal;

/// <summary>One authorization grant of an <see cref="OAuth2TestServer"/>: a token family, revoked whole on detected reuse.</summary>
internal sealed class OAuth2Grant
{
    public required string Id { get; init; }

    public required TestUser User { get; init; }

    public string? Scope { get; init; }

    public bool Revoked { get; set; }
}
