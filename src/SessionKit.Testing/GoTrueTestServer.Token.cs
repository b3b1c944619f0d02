// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using SessionKit.Testing.Internal;

namespace SessionKit.Testing;

/// <content>The token endpoint: password and refresh grants, and the session body and access token it issues.</content>
public sealed partial class GoTrueTestServer
{
    private async Task TokenAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        if (_options.ApiKey is { } apiKey && request.Headers["apikey"].ToString() != apiKey)
        {
            await WriteJsonAsync(response, 401, new { message = "Invalid API key", hint = "Double check your Supabase `anon` or `service_role` API key." }).ConfigureAwait(false);
            return;
        }

        var grant = request.Query["grant_type"].ToString();
        if (grant is not ("password" or "refresh_token"))
        {
            await WriteErrorAsync(context, 400, "invalid_credentials", "unsupported_grant_type").ConfigureAwait(false);
            return;
        }

        if (grant == "refresh_token")
        {
            Counters.RefreshRequest();
        }

        JsonElement? body;
        try
        {
            body = await ReadJsonAsync(request).ConfigureAwait(false);
        }
        catch (InvalidDataException)
        {
            await WriteErrorAsync(context, 413, "request_entity_too_large", $"Request body too large (max {MaxRequestBodyBytes} bytes)").ConfigureAwait(false);
            return;
        }

        if (body is null)
        {
            await WriteErrorAsync(context, 400, "bad_json", "Could not parse request body as JSON").ConfigureAwait(false);
            return;
        }

        if (grant == "password")
        {
            var email = StringField(body.Value, "email");
            var signIn = _state.SignIn(email, StringField(body.Value, "password"), Now);
            if (signIn.Issued is null)
            {
                await WriteErrorAsync(context, signIn.Status, signIn.ErrorCode!, signIn.Message!).ConfigureAwait(false);
                return;
            }

            Counters.PasswordGrant();
            await WriteSessionAsync(response, signIn.Issued).ConfigureAwait(false);
            return;
        }

        // "In flight" spans arrival to the server's decision; writing a (possibly huge) body afterwards does not count.
        var inFlight = 1;
        void Decided()
        {
            if (Interlocked.Exchange(ref inFlight, 0) == 1)
            {
                Counters.RefreshEnded();
            }
        }

        Counters.RefreshStarted();
        try
        {
            await RefreshAsync(context, body.Value, Decided).ConfigureAwait(false);
        }
        finally
        {
            Decided();
        }
    }

    private async Task RefreshAsync(HttpContext context, JsonElement body, Action decided)
    {
        var response = context.Response;
        var fault = NextFault();
        if (fault is not null)
        {
            Counters.FaultApplied();
            switch (fault.Kind)
            {
                case TokenEndpointFaultKind.Delay:
                    await Task.Delay(fault.Delay, context.RequestAborted).ConfigureAwait(false);
                    break;
                case TokenEndpointFaultKind.Status:
                    if (fault.RetryAfter is { } retryAfter)
                    {
                        response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    }

                    var code = fault.StatusCode switch
                    {
                        409 => "conflict",
                        429 => "over_request_rate_limit",
                        >= 500 => "unexpected_failure",
                        _ => "unknown",
                    };
                    await WriteErrorAsync(context, fault.StatusCode, code, "injected fault").ConfigureAwait(false);
                    return;
                case TokenEndpointFaultKind.GatewayHtml:
                    response.StatusCode = fault.StatusCode;
                    response.ContentType = "text/html";
                    await response.WriteAsync($"<html><head><title>{fault.StatusCode} Bad Gateway</title></head><body><center><h1>{fault.StatusCode} Bad Gateway</h1></center><hr><center>nginx</center></body></html>").ConfigureAwait(false);
                    return;
            }
        }

        var result = _state.Refresh(StringField(body, "refresh_token"), Now);
        decided();
        if (result.Issued is null)
        {
            Counters.Rejection(result.ErrorCode!);
            await WriteErrorAsync(context, result.Status, result.ErrorCode!, result.Message!).ConfigureAwait(false);
            return;
        }

        Counters.RefreshSuccess();
        if (fault?.Kind == TokenEndpointFaultKind.DelayAfterRotating)
        {
            try
            {
                await Task.Delay(fault.Delay, context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return; // the client left: the rotated token is never delivered (the lost response)
            }
        }

        if (fault is null || fault.Kind is TokenEndpointFaultKind.Delay or TokenEndpointFaultKind.DelayAfterRotating)
        {
            await WriteSessionAsync(response, result.Issued).ConfigureAwait(false);
            return;
        }

        await WriteCorruptedAsync(context, fault, result.Issued).ConfigureAwait(false);
    }

    private Task WriteSessionAsync(HttpResponse response, RefreshTokenRow issued) =>
        WriteJsonAsync(response, 200, SessionBody(issued));

    private Dictionary<string, object?> SessionBody(RefreshTokenRow issued)
    {
        var now = Now;
        var session = issued.Session;
        return new Dictionary<string, object?>
        {
            ["access_token"] = CreateAccessToken(session),
            ["token_type"] = "bearer",
            ["expires_in"] = (long)_options.AccessTokenLifetime.TotalSeconds,
            ["expires_at"] = ExpiryOf(now),
            ["refresh_token"] = issued.Token,
            ["user"] = new Dictionary<string, object?>
            {
                ["id"] = session.User.Id,
                ["aud"] = "authenticated",
                ["role"] = "authenticated",
                ["email"] = session.User.Email,
                ["app_metadata"] = new { provider = "email", providers = new[] { "email" } },
                ["user_metadata"] = new { },
                ["is_anonymous"] = false,
            },
        };
    }

    /// <summary>
    /// The token's <c>exp</c> in whole seconds, rounded up so the token is valid for at least <c>AccessTokenLifetime</c>
    /// (GoTrue truncates, which only matters for the sub-minute lifetimes tests use).
    /// </summary>
    private long ExpiryOf(DateTimeOffset now)
    {
        var expiry = now + _options.AccessTokenLifetime;
        var seconds = expiry.ToUnixTimeSeconds();
        return expiry > DateTimeOffset.FromUnixTimeSeconds(seconds) ? seconds + 1 : seconds;
    }

    private string CreateAccessToken(TestSession session)
    {
        var now = Now;
        var payload = new Dictionary<string, object>
        {
            ["iss"] = Issuer,
            ["sub"] = session.User.Id,
            ["aud"] = "authenticated",
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = ExpiryOf(now),
            ["email"] = session.User.Email,
            ["role"] = "authenticated",
            ["aal"] = "aal1",
            ["session_id"] = session.Id,
            ["is_anonymous"] = false,
            ["jti"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(8)),
        };
        return JwtHandler.CreateToken(JsonSerializer.Serialize(payload), _signingCredentials);
    }
}
