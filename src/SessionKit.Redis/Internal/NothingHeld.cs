// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Redis.Internal;

/// <summary>The answer of a lock wait that ended because the session changed: nothing is held, nothing to release.</summary>
internal sealed class NothingHeld : IAsyncDisposable
{
    public static readonly NothingHeld Instance = new();

    private NothingHeld()
    {
    }

    public ValueTask DisposeAsync() => default;
}
