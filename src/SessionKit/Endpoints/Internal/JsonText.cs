// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace SessionKit.Internal;

/// <summary>Reads JSON strings from a server's answer without throwing on text that is not valid UTF-8.</summary>
internal static class JsonText
{
    /// <summary>Reads <paramref name="element"/> as a string.</summary>
    /// <returns><see langword="true"/> when it is a JSON string of valid UTF-8; otherwise (another kind, or bytes that do not decode) <see langword="false"/>.</returns>
    public static bool TryGetString(JsonElement element, [NotNullWhen(true)] out string? value)
    {
        value = null;
        if (element.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        try
        {
            value = element.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json does not validate UTF-8 inside strings until they are decoded.
            return false;
        }
    }
}
