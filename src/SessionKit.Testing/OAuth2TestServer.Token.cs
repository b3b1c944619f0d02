// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using SessionKit.Testing.Internal;

namespace SessionKit.Testing;

/// <content>The token endpoint: client authentication, the password and refresh grants, and fault injection.</content>
public sealed partial class OAuth2TestServer
{
    private async Task TokenAsync(HttpContext context)
    {
        var response = context.Response;
        var form = await ReadFormAsync(context.Request).ConfigureAwait(false);
        if (form is null)
        {
            await WriteErrorAsync(response, 400, "invalid_request", "The request must be application/x-www-form-urlencoded.").ConfigureAwait(false);
            return;
        }

        if (!await AuthenticateClientAsync(context, form).ConfigureAwait(false))
        {
            return;
        }

        switch (form["grant_type"].ToString())
        {
            case "password":
                var signIn = _state.SignIn(form["username"].ToString(), form["password"].ToString(), NullIfEmpty(form["scope"].ToString()), Now);
                if (signIn.Issued is null)
                {
                    await WriteErrorAsync(response, 400, "invalid_grant", signIn.ErrorDescription!).ConfigureAwait(false);
                    return;
                }

                Counters.PasswordGrant();
                await WriteTokensAsync(response, signIn.Issued).ConfigureAwait(false);
                return;
            case "refresh_token":
                await RefreshGrantAsync(context, form).ConfigureAwait(false);
                return;
            case "":
                await WriteErrorAsync(response, 400, "invalid_request", "The mandatory 'grant_type' parameter is missing.").ConfigureAwait(false);
                return;
            default:
                await WriteErrorAsync(response, 400, "unsupported_grant_type", "The specified 'grant_type' is not supported.").ConfigureAwait(false);
                return;
        }
    }

    private async Task RefreshGrantAsync(HttpContext context, IFormCollection form)
    {
        Counters.RefreshRequest();
        var refreshToken = form["refresh_token"].ToString();
        if (refreshToken.Length == 0)
        {
            await WriteErrorAsync(context.Response, 400, "invalid_request", "The mandatory 'refresh_token' parameter is missing.").ConfigureAwait(false);
            return;
        }

        // "In flight" spans arrival to the server's decision; writing the answer afterwards does not count.
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
            await RefreshAsync(context, refreshToken, Decided).ConfigureAwait(false);
        }
        finally
        {
            Decided();
        }
    }

    private async Task RefreshAsync(HttpContext context, string refreshToken, Action decided)
    {
        var response = context.Response;
        _faults.TryDequeue(out var fault);
        if (fault is not null)
        {
            Counters.FaultApplied();
            switch (fault.Kind)
            {
                case TokenEndpointFaultKind.Delay:
                    // Not cut short by the client's abort: a busy server finishes what it started.
                    await Task.Delay(fault.Delay, TimeProvider.System).ConfigureAwait(false);
                    break;
                case TokenEndpointFaultKind.Status:
                    if (fault.RetryAfter is { } retryAfter)
                    {
                        response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                    }

                    var error = fault.StatusCode is 429 or 503 ? "temporarily_unavailable" : "server_error";
                    await WriteErrorAsync(response, fault.StatusCode, error, "injected fault").ConfigureAwait(false);
                    return;
                case TokenEndpointFaultKind.GatewayHtml:
                    response.StatusCode = fault.StatusCode;
                    response.ContentType = "text/html";
                    await response.WriteAsync($"<html><head><title>{fault.StatusCode} Bad Gateway</title></head><body><center><h1>{fault.StatusCode} Bad Gateway</h1></center><hr><center>nginx</center></body></html>").ConfigureAwait(false);
                    return;
            }
        }

        var result = _state.Refresh(refreshToken, Now);
        decided();
        if (result.ReuseDetected)
        {
            Counters.ReuseDetected();
        }

        if (result.GrantRevoked)
        {
            Counters.GrantRevoked();
        }

        if (result.Issued is null)
        {
            Counters.InvalidGrant();
            await WriteErrorAsync(response, 400, "invalid_grant", result.ErrorDescription!).ConfigureAwait(false);
            return;
        }

        Counters.RefreshSuccess();
        if (fault?.Kind == TokenEndpointFaultKind.DelayAfterRotating)
        {
            try
            {
                await Task.Delay(fault.Delay, TimeProvider.System, context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return; // the client left: the rotated token is never delivered (the lost response)
            }
        }

        if (fault is null || fault.Kind is TokenEndpointFaultKind.Delay or TokenEndpointFaultKind.DelayAfterRotating)
        {
            await WriteTokensAsync(response, result.Issued).ConfigureAwait(false);
            return;
        }

        await WriteCorruptedAsync(context, fault, result.Issued).ConfigureAwait(false);
    }

    private async Task WriteCorruptedAsync(HttpContext context, TokenEndpointFault fault, OAuth2Issue issued)
    {
        var body = TokenBody(issued);
        if (await CorruptedAnswer.TryWriteAsync(context, fault, () => JsonSerializer.Serialize(body)).ConfigureAwait(false))
        {
            return;
        }

        switch (fault.Kind)
        {
            case TokenEndpointFaultKind.MissingFields:
                body.Remove("access_token");
                break;
            case TokenEndpointFaultKind.WrongTypes:
                body["expires_in"] = new { seconds = 3600 };
                body["refresh_token"] = 12345;
                break;
            case TokenEndpointFaultKind.MalformedAccessToken:
                body["access_token"] = "not a token";
                break;
        }

        await context.Response.WriteAsync(JsonSerializer.Serialize(body)).ConfigureAwait(false);
    }

    private Task WriteTokensAsync(HttpResponse response, OAuth2Issue issued) => WriteJsonAsync(response, 200, TokenBody(issued));

    private Dictionary<string, object?> TokenBody(OAuth2Issue issued)
    {
        var body = new Dictionary<string, object?>
        {
            ["access_token"] = issued.Access.Token,
            ["token_type"] = "Bearer",
            ["expires_in"] = (long)Math.Ceiling(_options.AccessTokenLifetime.TotalSeconds),
            ["refresh_token"] = issued.Refresh.Token,
        };
        if (issued.Access.Grant.Scope is { } scope)
        {
            body["scope"] = scope;
        }

        if (IdTokenFor(issued.Access.Grant) is { } idToken)
        {
            body["id_token"] = idToken;
        }

        return body;
    }

    /// <summary>RFC 6749 §2.3.1: HTTP Basic (form-urlencoded id and secret) or <c>client_id</c>/<c>client_secret</c> in the body.</summary>
    private async Task<bool> AuthenticateClientAsync(HttpContext context, IFormCollection form)
    {
        string? clientId = null;
        string? secret = null;
        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    clientId = Uri.UnescapeDataString(decoded[..colon]);
                    secret = Uri.UnescapeDataString(decoded[(colon + 1)..]);
                }
            }
            catch (FormatException)
            {
            }
        }
        else
        {
            clientId = NullIfEmpty(form["client_id"].ToString());
            secret = NullIfEmpty(form["client_secret"].ToString());
        }

        var valid = clientId == _options.ClientId
            && (_options.ClientSecret is not { } expected
                || (secret is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(expected))));
        if (valid)
        {
            return true;
        }

        Counters.ClientAuthenticationFailure();
        context.Response.Headers.WWWAuthenticate = "Basic realm=\"OAuth2TestServer\"";
        await WriteErrorAsync(context.Response, 401, "invalid_client", "The specified client credentials are invalid.").ConfigureAwait(false);
        return false;
    }

    private static async Task<IFormCollection?> ReadFormAsync(HttpRequest request) =>
        request.HasFormContentType ? await request.ReadFormAsync().ConfigureAwait(false) : null;

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
