// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Internal;

/// <summary>The names of the HttpClients that carry a <see cref="SessionHandler"/>.</summary>
internal sealed class SessionHandlerRegistry
{
    public HashSet<string> ClientNames { get; } = new(StringComparer.Ordinal);
}
