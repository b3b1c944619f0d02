// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text.Json;

namespace SessionKit.Internal;

/// <summary>
/// Parses a successful token response (RFC 6749 §5.1, GoTrue's session object) into a <see cref="Session"/>. The user id is
/// GoTrue's <c>user.id</c>, else the OpenID Connect <c>id_token</c>'s <c>sub</c>, else (on the session) the access token's <c>sub</c>.
/// </summary>
/// <remarks>
/// <para>
/// The rule that keeps strict servers safe: whenever the body holds a usable <c>refresh_token</c>, the server has rotated, so a
/// session is produced and stored whatever else is odd about the answer. An odd expiry (<c>expires_in</c> of 0, negative, not
/// a number, implausibly long) falls back to the JWT <c>exp</c>, else to "expiring now" (the coordinator's storm guard keeps that
/// from becoming a refresh loop). A token type other than bearer, or an unusable access token, is reported as a failure
/// <em>after</em> the rotated refresh token is stored. Only a success answer with no readable refresh token (and no usable
/// session) counts as lost.
/// </para>
/// <para>Problems are described without token material.</para>
/// </remarks>
internal static class TokenResponse
{
    /// <summary>The longest <c>expires_in</c> taken at face value; longer is read as "no known expiry".</summary>
    private static readonly double MaxLifetimeSeconds = TimeSpan.FromDays(3650).TotalSeconds;

    /// <summary>Turns a success answer to a refresh into an outcome.</summary>
    /// <param name="response">The answer (2xx).</param>
    /// <param name="requireJwt">Whether the access token must be a readable JWT (GoTrue always issues one).</param>
    /// <param name="sent">The session whose refresh token was sent; its access token stands in when the answer rotated the refresh token but carries no usable access token.</param>
    /// <returns>Succeeded (possibly with a warning), a rotated-but-unusable failure to store first, or an ambiguous failure when nothing can be stored.</returns>
    public static RefreshOutcome ToOutcome(EndpointResponse response, bool requireJwt, Session? sent)
    {
        var result = Read(response.Body!, response.ReceivedAt, requireJwt, sent?.AccessToken);
        if (result.Session is null)
        {
            // Nothing to store: the answer may have been a lost rotation.
            return RefreshOutcome.Ambiguous("unusable success response: " + result.Problem, response.Status);
        }

        if (result.Unusable && result.Session.RefreshToken is null)
        {
            // Nothing was rotated, so nothing must be stored: report the problem and keep the session.
            return RefreshOutcome.Faulted("unusable success response: " + result.Problem, response.Status, null);
        }

        return result.Unusable
            ? RefreshOutcome.RotatedButUnusable(result.Session, result.Faulted, "the server rotated the refresh token in an unusable answer (it was stored): " + result.Problem, response.Status)
            : RefreshOutcome.Succeeded(result.Session, result.Problem);
    }

    /// <summary>Tries to read a complete, usable session from <paramref name="body"/> (sign-in: nothing to fall back on).</summary>
    /// <returns><see langword="true"/> when the body is a usable token response; odd expiries are tolerated.</returns>
    public static bool TryParse(byte[] body, DateTimeOffset receivedAt, bool requireJwt, out Session? session, out string? problem)
    {
        var result = Read(body, receivedAt, requireJwt, fallbackAccessToken: null);
        session = result.Unusable ? null : result.Session;
        problem = result.Problem;
        return session is not null;
    }

    /// <summary>Reads <paramref name="body"/>.</summary>
    /// <param name="body">The response body.</param>
    /// <param name="receivedAt">When the response arrived, by the local clock.</param>
    /// <param name="requireJwt">Whether the access token must be a readable JWT.</param>
    /// <param name="fallbackAccessToken">The access token to keep when the body rotated the refresh token but its access token is unusable.</param>
    internal static Result Read(byte[] body, DateTimeOffset receivedAt, bool requireJwt, string? fallbackAccessToken)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException)
        {
            return Result.Lost("the body is not valid JSON");
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Result.Lost("the body is not a JSON object");
            }

            // The refresh token first: if the server rotated, the new one must be kept whatever else is wrong.
            string? refreshToken = null;
            if (root.TryGetProperty("refresh_token", out var refreshElement) && refreshElement.ValueKind != JsonValueKind.Null)
            {
                if (!JsonText.TryGetString(refreshElement, out var rt) || rt.Length == 0 || !IsTokenText(rt))
                {
                    return Result.Lost("refresh_token is not a usable string");
                }

                refreshToken = rt;
            }

            var accessProblem = ReadAccessToken(root, requireJwt, out var accessToken);
            if (accessProblem is not null)
            {
                // A rotated refresh token with no usable access token: keep the refresh token with the old access token,
                // already expired, so the next use refreshes with the token the server now expects.
                return refreshToken is not null && fallbackAccessToken is { Length: > 0 }
                    ? Result.Store(new Session { AccessToken = fallbackAccessToken, RefreshToken = refreshToken, ExpiresAt = receivedAt }, accessProblem, unusable: true, faulted: false)
                    : Result.Lost(accessProblem);
            }

            var (expiresAt, expiryWarning) = ReadExpiry(root, receivedAt, accessToken!);
            var (tokenType, typeProblem) = ReadTokenType(root);
            var session = new Session
            {
                AccessToken = accessToken!,
                RefreshToken = refreshToken,
                ExpiresAt = expiresAt,
                IssuedAt = receivedAt,
                TokenType = tokenType,
                UserId = ReadUserId(root),
            };

            return typeProblem is not null
                ? Result.Store(session, expiryWarning is null ? typeProblem : typeProblem + "; " + expiryWarning, unusable: true, faulted: true)
                : Result.Store(session, expiryWarning, unusable: false, faulted: false);
        }
    }

    private static string? ReadAccessToken(JsonElement root, bool requireJwt, out string? accessToken)
    {
        accessToken = null;
        if (!root.TryGetProperty("access_token", out var accessElement) || !JsonText.TryGetString(accessElement, out var token) || token.Length == 0)
        {
            return "access_token is missing or not a string";
        }

        if (!IsTokenText(token))
        {
            return "access_token contains whitespace or control characters";
        }

        if (requireJwt && !JwtInspector.IsJwt(token))
        {
            return "access_token is not a well-formed JWT";
        }

        accessToken = token;
        return null;
    }

    /// <summary>Reads the expiry; an odd value falls back to the JWT <c>exp</c>, else to "now" (too short) or "unknown" (too long).</summary>
    private static (DateTimeOffset ExpiresAt, string? Warning) ReadExpiry(JsonElement root, DateTimeOffset receivedAt, string accessToken)
    {
        var jwtExpiry = JwtInspector.TryGetExpiry(accessToken);
        string? odd;
        bool tooLong;
        switch (TryNumber(root, "expires_in", out var expiresIn))
        {
            case NumberRead.Valid when expiresIn > 0 && expiresIn <= MaxLifetimeSeconds:
                return (receivedAt + TimeSpan.FromSeconds(expiresIn), null);
            case NumberRead.Valid:
                (odd, tooLong) = ("expires_in is " + expiresIn.ToString("0.###", CultureInfo.InvariantCulture), expiresIn > 0);
                break;
            case NumberRead.Invalid:
                (odd, tooLong) = ("expires_in is not a number", false);
                break;
            default:
                switch (TryNumber(root, "expires_at", out var expiresAtUnix))
                {
                    case NumberRead.Valid when expiresAtUnix > 0 && expiresAtUnix <= DateTimeOffset.MaxValue.ToUnixTimeSeconds():
                        return (DateTimeOffset.FromUnixTimeSeconds((long)expiresAtUnix), null);
                    case NumberRead.Valid:
                        (odd, tooLong) = ("expires_at is out of range", expiresAtUnix > 0);
                        break;
                    case NumberRead.Invalid:
                        (odd, tooLong) = ("expires_at is not a number", false);
                        break;
                    default:
                        // No expiry at all is legal (RFC 6749 §5.1 only recommends expires_in): the JWT's exp, else unknown
                        // (refreshed after a 401). Treating it as "expiring now" would rotate on every request.
                        return (jwtExpiry ?? DateTimeOffset.MaxValue, null);
                }

                break;
        }

        if (jwtExpiry is { } exp)
        {
            return (exp, odd + "; using the access token's exp claim");
        }

        return tooLong
            ? (DateTimeOffset.MaxValue, odd + "; the expiry is treated as unknown (refreshed after a 401)")
            : (receivedAt, odd + "; the access token is treated as expiring now");
    }

    private static (string TokenType, string? Problem) ReadTokenType(JsonElement root)
    {
        if (!root.TryGetProperty("token_type", out var typeElement) || typeElement.ValueKind == JsonValueKind.Null)
        {
            return ("bearer", null);
        }

        if (!JsonText.TryGetString(typeElement, out var tokenType))
        {
            return ("unknown", "token_type is not a string; SessionKit sends bearer tokens only");
        }

        return tokenType.Equals("bearer", StringComparison.OrdinalIgnoreCase)
            ? (tokenType, null)
            : (tokenType, $"token_type is '{SafeText.RedactThenCap(tokenType, [], 32)}', not bearer; SessionKit sends bearer tokens only (sender-constrained tokens such as DPoP need a proof SessionKit does not make)");
    }

    /// <summary>GoTrue's <c>user.id</c>, else the OpenID Connect <c>id_token</c>'s <c>sub</c> (read, not validated: it names the user for events and tombstones and authorizes nothing).</summary>
    private static string? ReadUserId(JsonElement root)
    {
        if (root.TryGetProperty("user", out var user) && user.ValueKind == JsonValueKind.Object
            && user.TryGetProperty("id", out var id) && JsonText.TryGetString(id, out var userId) && userId.Length > 0)
        {
            return userId;
        }

        return root.TryGetProperty("id_token", out var idToken) && JsonText.TryGetString(idToken, out var idTokenText)
            ? JwtInspector.TryGetSubject(idTokenText)
            : null;
    }

    private static bool IsTokenText(string token) => !token.Any(c => char.IsWhiteSpace(c) || char.IsControl(c));

    private static NumberRead TryNumber(JsonElement root, string name, out double value)
    {
        value = 0;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return NumberRead.Absent;
        }

        var parsed = element.ValueKind switch
        {
            JsonValueKind.Number => element.TryGetDouble(out value),

            // Some servers send numbers as strings ("3600"); accept them.
            JsonValueKind.String => JsonText.TryGetString(element, out var text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value),
            _ => false,
        };
        return parsed && !double.IsNaN(value) && !double.IsInfinity(value) ? NumberRead.Valid : NumberRead.Invalid;
    }

    /// <summary>What <see cref="Read"/> found.</summary>
    /// <param name="Session">A session to store, or <see langword="null"/> when the answer holds nothing usable.</param>
    /// <param name="Problem">What was odd or wrong (a warning when the session is usable); never token material.</param>
    /// <param name="Unusable">Whether the session must be stored but the refresh reported as failed.</param>
    /// <param name="Faulted">Whether that failure is a configuration problem rather than a transient one.</param>
    internal readonly record struct Result(Session? Session, string? Problem, bool Unusable, bool Faulted)
    {
        public static Result Lost(string problem) => new(null, problem, Unusable: true, Faulted: false);

        public static Result Store(Session session, string? problem, bool unusable, bool faulted) => new(session, problem, unusable, faulted);
    }

    private enum NumberRead
    {
        Absent,
        Valid,
        Invalid,
    }
}
