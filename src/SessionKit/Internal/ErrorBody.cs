// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Text.Json;

namespace SessionKit.Internal;

/// <summary>
/// The error fields of a token-endpoint answer, read from any of the GoTrue shapes (legacy <c>error_code</c>/<c>msg</c>,
/// 2024-01-01 <c>code</c>/<c>message</c>) or the OAuth 2.0 shape (<c>error</c>/<c>error_description</c>).
/// </summary>
/// <remarks>
/// Server text is made safe before anyone sees it: the tokens the client presented are replaced by <c>[redacted]</c>
/// <em>first</em>, then the text is capped at 200 characters, and a word the cut falls inside is dropped whole, so no
/// fragment of a token (known or not) that crosses the cut survives.
/// </remarks>
internal readonly record struct ErrorBody(bool IsJson, string? Code, string? OAuthError, string? Message, string? ErrorDescription = null)
{
    private const int MaxMessageLength = 200;
    private const string Redacted = "[redacted]";

    /// <summary>Parses <paramref name="body"/>; <paramref name="versionedShape"/> says the response echoed <c>X-Supabase-Api-Version</c> ≥ 2024-01-01.</summary>
    /// <param name="body">The response body.</param>
    /// <param name="versionedShape">Whether the 2024-01-01 GoTrue shape applies.</param>
    /// <param name="codeHeader">The <c>x-sb-error-code</c> header, if any.</param>
    /// <param name="presented">The session whose tokens went to the server, redacted from any text the server echoes.</param>
    public static ErrorBody Parse(byte[]? body, bool versionedShape, string? codeHeader, Session? presented = null)
    {
        if (body is null || body.Length == 0)
        {
            return new(false, codeHeader, null, null);
        }

        try
        {
            using var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new(false, codeHeader, null, null);
            }

            string? code = null;
            if (versionedShape && TryString(root, "code", out var c))
            {
                code = c;
            }
            else if (TryString(root, "error_code", out var ec))
            {
                code = ec;
            }
            else if (TryString(root, "code", out var c2))
            {
                // A 2024-01-01 body whose version header a proxy stripped: a string 'code' is still an error code.
                code = c2;
            }

            code ??= codeHeader;
            TryString(root, "error", out var oauthError);
            string? message = null;
            foreach (var name in (ReadOnlySpan<string>)["msg", "message", "error_description", "error"])
            {
                if (TryString(root, name, out var m))
                {
                    message = m;
                    break;
                }
            }

            TryString(root, "error_description", out var description);
            return new(true, code, oauthError, Sanitize(message, presented), Sanitize(description, presented));
        }
        catch (JsonException)
        {
            return new(false, codeHeader, null, null);
        }
    }

    private static bool TryString(JsonElement root, string name, out string? value)
    {
        if (root.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.String)
        {
            value = element.GetString();
            return !string.IsNullOrEmpty(value);
        }

        value = null;
        return false;
    }

    /// <summary>Redacts the presented tokens, then caps the text, dropping a word that the cut falls inside.</summary>
    internal static string? Sanitize(string? text, Session? presented)
    {
        if (text is null)
        {
            return null;
        }

        if (presented is not null)
        {
            foreach (var secret in (ReadOnlySpan<string?>)[presented.RefreshToken, presented.AccessToken])
            {
                if (!string.IsNullOrEmpty(secret))
                {
                    text = text.Replace(secret, Redacted, StringComparison.Ordinal);
                }
            }
        }

        if (text.Length <= MaxMessageLength)
        {
            return text;
        }

        // The cut must not leave the head of a token behind: when it falls inside a word, drop that word whole.
        var end = MaxMessageLength;
        if (!char.IsWhiteSpace(text[end]))
        {
            while (end > 0 && !char.IsWhiteSpace(text[end - 1]))
            {
                end--;
            }
        }

        return text[..end].TrimEnd() + "…";
    }
}
