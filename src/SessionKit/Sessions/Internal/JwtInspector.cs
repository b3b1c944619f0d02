// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Text.Json;

namespace SessionKit.Internal;

/// <summary>
/// Reads claims from a JWT without validating it (the client is not the audience; the server validates).
/// </summary>
/// <remarks>
/// Deliberately lenient: a JWS compact serialization whose header and payload are base64url JSON objects is accepted whatever
/// its claim types (a numeric <c>jti</c>, say), where <c>JsonWebToken</c> would throw. A strict reader here would turn an
/// unusual but valid token into an endless series of "unusable response" failures.
/// </remarks>
internal static class JwtInspector
{
    private const int MaxTokenLength = 64 * 1024;

    /// <summary>Returns whether <paramref name="token"/> is a readable JWT.</summary>
    public static bool IsJwt(string? token) => TryParse(token, out _, out _);

    /// <summary>Returns the <c>sub</c> claim, or <see langword="null"/>.</summary>
    public static string? TryGetSubject(string? token) => TryParse(token, out var sub, out _) ? sub : null;

    /// <summary>Returns the <c>exp</c> claim as an instant, or <see langword="null"/>.</summary>
    public static DateTimeOffset? TryGetExpiry(string? token) => TryParse(token, out _, out var exp) ? exp : null;

    /// <summary>Parses the header and payload of <paramref name="token"/>; a claim that is not valid UTF-8 makes it unreadable.</summary>
    public static bool TryParse(string? token, out string? subject, out DateTimeOffset? expiry)
    {
        subject = null;
        expiry = null;
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            return false;
        }

        var parts = token.Split('.');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            return false;
        }

        try
        {
            using (var header = JsonDocument.Parse(DecodeBase64Url(parts[0])))
            {
                if (header.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return false;
                }
            }

            using var payload = JsonDocument.Parse(DecodeBase64Url(parts[1]));
            var root = payload.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            if (root.TryGetProperty("sub", out var sub) && sub.ValueKind == JsonValueKind.String && sub.GetString() is { Length: > 0 } s)
            {
                subject = s;
            }

            if (root.TryGetProperty("exp", out var exp) && exp.ValueKind == JsonValueKind.Number && exp.TryGetDouble(out var seconds)
                && seconds > 0 && seconds < DateTimeOffset.MaxValue.ToUnixTimeSeconds())
            {
                expiry = DateTimeOffset.FromUnixTimeSeconds((long)seconds);
            }

            return true;
        }
        catch (Exception ex) when (ex is FormatException or JsonException or ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Decodes base64url (RFC 7515 §2), with or without padding; as lenient as the JWT libraries are.</summary>
    /// <exception cref="FormatException">The text is not base64url.</exception>
    private static byte[] DecodeBase64Url(string text)
    {
        var length = text.AsSpan().TrimEnd('=').Length;
        if (length % 4 == 1)
        {
            throw new FormatException("Not base64url.");
        }

        var padded = new char[length + ((4 - (length % 4)) % 4)];
        for (var i = 0; i < length; i++)
        {
            var c = text[i];
            padded[i] = c == '-' ? '+' : c == '_' ? '/' : c;
        }

        padded.AsSpan(length).Fill('=');
        return Convert.FromBase64CharArray(padded, 0, padded.Length);
    }
}
