// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.IdentityModel.JsonWebTokens;

namespace SessionKit.Internal;

/// <summary>Reads claims from a JWT without validating it (the client is not the audience; the server validates).</summary>
internal static class JwtInspector
{
    /// <summary>Returns whether <paramref name="token"/> has the shape of a JWS compact serialization.</summary>
    public static bool LooksLikeJwt(string token)
    {
        var first = token.IndexOf('.', StringComparison.Ordinal);
        return first > 0 && token.IndexOf('.', first + 1) > first + 1 && token.Count(c => c == '.') == 2;
    }

    /// <summary>Parses <paramref name="token"/> as a JWT, or returns <see langword="null"/> when it is not one.</summary>
    public static JsonWebToken? TryRead(string? token)
    {
        if (string.IsNullOrEmpty(token) || !LooksLikeJwt(token))
        {
            return null;
        }

        try
        {
            return new JsonWebToken(token);
        }
        catch (ArgumentException)
        {
            return null;
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Returns the <c>sub</c> claim, or <see langword="null"/>.</summary>
    public static string? TryGetSubject(string? token) =>
        TryRead(token) is { } jwt && jwt.TryGetPayloadValue<string>("sub", out var sub) && !string.IsNullOrEmpty(sub) ? sub : null;

    /// <summary>Returns the <c>exp</c> claim as an instant, or <see langword="null"/>.</summary>
    public static DateTimeOffset? TryGetExpiry(string? token)
    {
        if (TryRead(token) is not { } jwt)
        {
            return null;
        }

        try
        {
            return jwt.TryGetPayloadValue<long>("exp", out var exp) && exp > 0
                ? DateTimeOffset.FromUnixTimeSeconds(Math.Min(exp, DateTimeOffset.MaxValue.ToUnixTimeSeconds()))
                : null;
        }
        catch (Exception ex) when (ex is FormatException or InvalidCastException or System.Text.Json.JsonException or ArgumentException)
        {
            return null;
        }
    }
}
