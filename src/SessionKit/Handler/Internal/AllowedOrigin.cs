// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Internal;

/// <summary>An origin that may receive the token, pre-split so the per-request check compares a port and two cached strings.</summary>
internal readonly record struct AllowedOrigin(string Scheme, string Host, int Port)
{
    public static AllowedOrigin From(Uri uri) => new(uri.Scheme, uri.IdnHost, uri.Port);

    public bool Matches(Uri uri) =>
        uri.Port == Port
        && string.Equals(uri.Scheme, Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(uri.IdnHost, Host, StringComparison.OrdinalIgnoreCase);
}
