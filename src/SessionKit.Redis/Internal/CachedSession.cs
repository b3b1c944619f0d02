// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Redis.Internal;

/// <summary>A decrypted session and the clear fields Redis held for it; reused only while Redis still holds the same ones.</summary>
internal sealed class CachedSession(string version, string fingerprint, Session session)
{
    public Session Session { get; } = session;

    public bool Matches(string version2, string fingerprint2) =>
        string.Equals(version, version2, StringComparison.Ordinal) && string.Equals(fingerprint, fingerprint2, StringComparison.Ordinal);
}
