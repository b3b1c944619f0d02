// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace SessionKit.Testing;

/// <content>The logout endpoint and the protected API that checks the bearer token.</content>
public sealed partial class GoTrueTestServer
{
    private async Task LogoutAsync(HttpContext context)
    {
        var token = await ValidateBearerAsync(context.Request).ConfigureAwait(false);
        if (token is null || !token.TryGetPayloadValue<string>("session_id", out var sessionId))
        {
            await WriteErrorAsync(context, 401, "bad_jwt", "invalid JWT: unable to parse or verify signature").ConfigureAwait(false);
            return;
        }

        var scope = context.Request.Query["scope"].ToString();
        _state.SignOut(sessionId, scope is "local" or "others" ? scope : "global");
        Counters.Logout();
        context.Response.StatusCode = 204;
    }

    private async Task ApiAsync(HttpContext context)
    {
        Counters.ApiRequest();
        var token = await ValidateBearerAsync(context.Request).ConfigureAwait(false);
        if (token is null)
        {
            Counters.ApiRejected();
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            await WriteJsonAsync(context.Response, 401, new { message = "invalid or expired token" }).ConfigureAwait(false);
            return;
        }

        await WriteJsonAsync(context.Response, 200, new { user = token.Subject, path = context.Request.Path.Value }).ConfigureAwait(false);
    }

    private async Task<JsonWebToken?> ValidateBearerAsync(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var result = await JwtHandler.ValidateTokenAsync(header["Bearer ".Length..].Trim(), new TokenValidationParameters
        {
            IssuerSigningKey = _signingKey,
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
        }).ConfigureAwait(false);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            return null;
        }

        // Expiry by the server's own clock, so a fake TimeProvider drives it.
        return jwt.TryGetPayloadValue<long>("exp", out var exp) && Now.ToUnixTimeSeconds() < exp ? jwt : null;
    }
}
