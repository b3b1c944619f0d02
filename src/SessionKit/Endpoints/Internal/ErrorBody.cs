// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Text.Json;

namespace SessionKit.Internal;

/// <summary>
/// The error fields of a token-endpoint answer, read from any of the GoTrue shapes (legacy <c>error_code</c>/<c>msg</c>,
/// 2024-01-01 <c>code</c>/<c>message</c>) or the OAuth 2.0 shape (<c>error</c>/<c>error_description</c>).
/// </summary>
/// <remarks>
/// <see cref="Message"/> is the server's text as sent (bounded only by the body cap): redact and cap it with
/// <see cref="SafeText.RedactThenCap"/> before it reaches an outcome, a message or a log. Cutting first would leave a token's
/// prefix behind.
/// </remarks>
internal readonly record struct ErrorBody(bool IsJson, string? Code, string? OAuthError, string? Message)
{
    /// <summary>Parses <paramref name="body"/>; <paramref name="versionedShape"/> says the response echoed <c>X-Supabase-Api-Version</c> ≥ 2024-01-01.</summary>
    public static ErrorBody Parse(byte[]? body, bool versionedShape, string? codeHeader)
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

            return new(true, code, oauthError, message);
        }
        catch (JsonException)
        {
            return new(false, codeHeader, null, null);
        }
    }

    private static bool TryString(JsonElement root, string name, out string? value)
    {
        value = null;
        return root.TryGetProperty(name, out var element) && JsonText.TryGetString(element, out value) && value.Length > 0;
    }
}
