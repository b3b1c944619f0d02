// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Security.Cryptography;
using System.Text;

namespace SessionKit.Internal;

/// <summary>
/// A short, stable, non-reversible stand-in for a session key or a user id in logs and <c>ToString()</c>: keys are usually
/// built from user ids, which are personal data.
/// </summary>
/// <remarks>
/// The same key gives the same hash in every process, so one user's events can still be followed across a web farm. It is a
/// pseudonym, not an anonymisation: whoever can guess a key can compute its hash. Also compiled into the other SessionKit
/// packages (linked source).
/// </remarks>
internal static class SessionKeyHash
{
    /// <summary>Returns <c>k-</c> and the first 12 hex digits of the key's SHA-256, or <c>(none)</c>.</summary>
    /// <param name="key">The key or user id.</param>
    /// <returns>The stand-in.</returns>
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
