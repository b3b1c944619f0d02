// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Text.Json;

namespace SessionKit.Internal;

/// <summary>
/// Parses a successful token response (RFC 6749 §5.1, GoTrue's session object) into a <see cref="Session"/>. The user id is
/// GoTrue's <c>user.id</c>, else the OpenID Connect <c>id_token</c>'s <c>sub</c>, else (on the session) the access token's <c>sub</c>.
/// </summary>
internal static class TokenResponse
{
    /// <summary>Tries to read a session from <paramref name="body"/>.</summary>
    /// <param name="body">The response body.</param>
    /// <param name="receivedAt">When the response arrived, by the local clock.</param>
    /// <param name="requireJwt">Whether the access token must be a readable JWT (GoTrue always issues one).</param>
    /// <param name="session">The session, on success.</param>
    /// <param name="problem">What was wrong, on failure; never token material.</param>
    /// <returns><see langword="true"/> when the body is a usable token response.</returns>
    public static bool TryParse(byte[] body, DateTimeOffset receivedAt, bool requireJwt, out Session? session, out string? problem)
    {
        session = null;
        try
        {
            using var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 32 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problem = "the body is not a JSON object";
                return false;
            }

            if (!root.TryGetProperty("access_token", out var accessElement) || accessElement.ValueKind != JsonValueKind.String
                || accessElement.GetString() is not { Length: > 0 } accessToken)
            {
                problem = "access_token is missing or not a string";
                return false;
            }

            if (accessToken.Any(char.IsWhiteSpace) || accessToken.Any(char.IsControl))
            {
                problem = "access_token contains whitespace or control characters";
                return false;
            }

            string? refreshToken = null;
            if (root.TryGetProperty("refresh_token", out var refreshElement) && refreshElement.ValueKind != JsonValueKind.Null)
            {
                if (refreshElement.ValueKind != JsonValueKind.String || refreshElement.GetString() is not { Length: > 0 } rt)
                {
                    problem = "refresh_token is not a non-empty string";
                    return false;
                }

                refreshToken = rt;
            }

            var tokenType = "bearer";
            if (root.TryGetProperty("token_type", out var typeElement) && typeElement.ValueKind != JsonValueKind.Null)
            {
                if (typeElement.ValueKind != JsonValueKind.String)
                {
                    problem = "token_type is not a string";
                    return false;
                }

                tokenType = typeElement.GetString()!;
                if (!tokenType.Equals("bearer", StringComparison.OrdinalIgnoreCase))
                {
                    problem = "token_type is not bearer";
                    return false;
                }
            }

            var jwtExpiry = JwtInspector.TryGetExpiry(accessToken);
            if (requireJwt && !JwtInspector.IsJwt(accessToken))
            {
                problem = "access_token is not a well-formed JWT";
                return false;
            }

            DateTimeOffset expiresAt;
            if (TryNumber(root, "expires_in", out var expiresIn, out problem))
            {
                if (expiresIn <= 0 || expiresIn > TimeSpan.FromDays(3650).TotalSeconds)
                {
                    problem = "expires_in is out of range";
                    return false;
                }

                expiresAt = receivedAt + TimeSpan.FromSeconds(expiresIn);
            }
            else if (problem is not null)
            {
                return false;
            }
            else if (TryNumber(root, "expires_at", out var expiresAtUnix, out problem))
            {
                if (expiresAtUnix <= 0 || expiresAtUnix > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
                {
                    problem = "expires_at is out of range";
                    return false;
                }

                expiresAt = DateTimeOffset.FromUnixTimeSeconds((long)expiresAtUnix);
            }
            else if (problem is not null)
            {
                return false;
            }
            else
            {
                expiresAt = jwtExpiry ?? DateTimeOffset.MaxValue;
            }

            string? userId = null;
            if (root.TryGetProperty("user", out var user) && user.ValueKind == JsonValueKind.Object
                && user.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
            {
                userId = id.GetString();
            }

            // OpenID Connect: with an opaque access token the user id comes from the ID token's sub (read, not validated:
            // it names the user for events and tombstones and authorizes nothing).
            if (string.IsNullOrEmpty(userId) && root.TryGetProperty("id_token", out var idToken) && idToken.ValueKind == JsonValueKind.String)
            {
                userId = JwtInspector.TryGetSubject(idToken.GetString());
            }

            session = new Session
            {
                AccessToken = accessToken,
                RefreshToken = refreshToken,
                ExpiresAt = expiresAt,
                IssuedAt = receivedAt,
                TokenType = tokenType,
                UserId = string.IsNullOrEmpty(userId) ? null : userId,
            };
            problem = null;
            return true;
        }
        catch (JsonException)
        {
            problem = "the body is not valid JSON";
            return false;
        }
    }

    private static bool TryNumber(JsonElement root, string name, out double value, out string? problem)
    {
        value = 0;
        problem = null;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return false;
        }

        var parsed = element.ValueKind switch
        {
            JsonValueKind.Number => element.TryGetDouble(out value),

            // Some servers send numbers as strings ("3600"); accept them.
            JsonValueKind.String => double.TryParse(element.GetString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out value),
            _ => false,
        };
        if (!parsed || double.IsNaN(value) || double.IsInfinity(value))
        {
            problem = name + " is not a number";
            return false;
        }

        return true;
    }
}
