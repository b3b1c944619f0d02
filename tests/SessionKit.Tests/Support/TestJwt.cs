// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Text;
using System.Text.Json;

namespace SessionKit.Tests.Support;

/// <summary>Builds unsigned JWT-shaped access tokens and token-endpoint bodies for MockHttp cases.</summary>
internal static class TestJwt
{
    private static int _counter;

    public static string Create(string sub = "user-1", DateTimeOffset? exp = null)
    {
        var header = Encode("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
        var payload = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["sub"] = sub,
            ["exp"] = (exp ?? new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero)).ToUnixTimeSeconds(),
            ["jti"] = Interlocked.Increment(ref _counter),
        });
        return header + "." + Encode(payload) + "." + Encode("signature-" + _counter);
    }

    public static string TokenBody(string accessToken, string? refreshToken, int expiresIn = 3600, string? userId = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["access_token"] = accessToken,
            ["token_type"] = "bearer",
            ["expires_in"] = expiresIn,
        };
        if (refreshToken is not null)
        {
            body["refresh_token"] = refreshToken;
        }

        if (userId is not null)
        {
            body["user"] = new { id = userId };
        }

        return JsonSerializer.Serialize(body);
    }

    private static string Encode(string text) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
