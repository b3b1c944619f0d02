// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Security.Cryptography;
using System.Text;

namespace SessionKit.AspNetCore.Internal;

/// <summary>A short, stable, non-reversible stand-in for a session key in logs (keys derived from users are personal data).</summary>
internal static class SessionKeyHash
{
    /// <summary>Returns <c>k-</c> and the first 12 hex digits of the key's SHA-256.</summary>
    public static string Of(string? key)
    {
        if (key is null)
        {
            return "(none)";
        }

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        return "k-" + Convert.ToHexString(hash[..6]);
    }
}
