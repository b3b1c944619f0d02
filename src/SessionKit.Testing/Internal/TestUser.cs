// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Testing.Internal;

internal sealed class TestUser
{
    public required string Id { get; init; }

    public required string Email { get; init; }

    public required string Password { get; init; }

    public bool Banned { get; set; }
}
