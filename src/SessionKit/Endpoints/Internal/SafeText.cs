// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Internal;

/// <summary>
/// The one place where text from a server becomes safe to put in a message or a log: known secrets are redacted first,
/// then the text is capped, and a word cut by the cap is dropped whole, so no prefix of a token survives the cut.
/// </summary>
internal static class SafeText
{
    /// <summary>The longest server text kept in an exception message or a log, in characters.</summary>
    public const int MaxLength = 200;

    private const string Redacted = "[redacted]";

    /// <summary>Redacts <paramref name="secrets"/> in <paramref name="text"/>, then caps it at <paramref name="maxLength"/> characters.</summary>
    /// <param name="text">The server's text, or <see langword="null"/>.</param>
    /// <param name="secrets">Token material that must not appear (null or empty entries are ignored).</param>
    /// <param name="maxLength">The cap.</param>
    /// <returns>The redacted, capped text; <see langword="null"/> when <paramref name="text"/> is.</returns>
    public static string? RedactThenCap(string? text, ReadOnlySpan<string?> secrets, int maxLength = MaxLength)
    {
        if (text is null)
        {
            return null;
        }

        foreach (var secret in secrets)
        {
            if (!string.IsNullOrEmpty(secret))
            {
                text = text.Replace(secret, Redacted, StringComparison.Ordinal);
            }
        }

        return Cap(text, maxLength);
    }

    /// <summary>Caps <paramref name="text"/> at <paramref name="maxLength"/> characters, dropping a word the cut would split.</summary>
    private static string Cap(string text, int maxLength)
    {
        if (text.Length <= maxLength)
        {
            return text;
        }

        // A run of token characters that crosses the cut may be an unknown secret: keep none of it.
        var end = maxLength;
        if (IsWordChar(text[end]))
        {
            while (end > 0 && IsWordChar(text[end - 1]))
            {
                end--;
            }
        }

        return string.Concat(text.AsSpan(0, end).TrimEnd(), "…");
    }

    /// <summary>Characters that occur in tokens: base64url, base64, JWT dots and the usual opaque-token punctuation.</summary>
    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' or '~' or '+' or '/' or '=' or '%';
}
