// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Security.Cryptography;
using System.Text;

namespace SessionKit.Internal;

/// <summary>A short, non-reversible fingerprint of a token, for correlating log lines without logging the token.</summary>
internal static class TokenFingerprint
{
    /// <summary>Returns the first 8 hex characters of the SHA-256 of <paramref name="token"/>, or <c>(none)</c>.</summary>
    public static string Of(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return "(none)";
        }

        Span<byte> hash = stackalloc byte[32];
        var bytes = Encoding.UTF8.GetBytes(token);
        SHA256.HashData(bytes, hash);
        return "#" + Convert.ToHexString(hash[..4]).ToLowerInvariant();
    }
}
