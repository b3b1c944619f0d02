// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Text;

namespace SessionKit.Internal;

/// <summary>
/// Brings a response body to the UTF-8 JSON text the parsers read: a body in a declared non-UTF-8 charset
/// (<c>application/json; charset=ISO-8859-1</c>, UTF-16) is transcoded, and a leading byte order mark is dropped.
/// </summary>
internal static class BodyText
{
    /// <summary>Returns <paramref name="body"/> as UTF-8 without a byte order mark.</summary>
    /// <param name="body">The body as received.</param>
    /// <param name="charset">The <c>charset</c> of the response's <c>Content-Type</c>, or <see langword="null"/>; an unknown one is ignored (read as UTF-8).</param>
    public static byte[] ToUtf8(byte[] body, string? charset)
    {
        if (Declared(charset) is { } encoding && encoding.CodePage != Encoding.UTF8.CodePage)
        {
            body = Encoding.UTF8.GetBytes(encoding.GetString(body));
        }

        return body.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? body[Encoding.UTF8.Preamble.Length..] : body;
    }

    private static Encoding? Declared(string? charset)
    {
        var name = charset?.Trim().Trim('"');
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }

        try
        {
            return Encoding.GetEncoding(name);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
