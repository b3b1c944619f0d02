// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.AspNetCore.Http;

namespace SessionKit.Testing;

/// <content>The RFC 7009 revocation endpoint and the RFC 6750 bearer-protected API.</content>
public sealed partial class OAuth2TestServer
{
    private async Task RevokeAsync(HttpContext context)
    {
        var form = await ReadFormAsync(context.Request).ConfigureAwait(false);
        if (form is null)
        {
            await WriteErrorAsync(context.Response, 400, "invalid_request", "The request must be application/x-www-form-urlencoded.").ConfigureAwait(false);
            return;
        }

        if (!await AuthenticateClientAsync(context, form).ConfigureAwait(false))
        {
            return;
        }

        var token = form["token"].ToString();
        if (token.Length == 0)
        {
            await WriteErrorAsync(context.Response, 400, "invalid_request", "The mandatory 'token' parameter is missing.").ConfigureAwait(false);
            return;
        }

        Counters.RevocationRequest();
        if (_state.Revoke(token, NullIfEmpty(form["token_type_hint"].ToString())))
        {
            Counters.GrantRevoked();
        }

        // RFC 7009 §2.2: 200 whether or not the token was known.
        context.Response.StatusCode = 200;
    }

    private async Task ApiAsync(HttpContext context)
    {
        Counters.ApiRequest();
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            // RFC 6750 §3.1: no credentials, no error code.
            Counters.ApiRejected();
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"OAuth2TestServer\"";
            context.Response.StatusCode = 401;
            return;
        }

        var (grant, problem) = _state.ValidateAccessToken(header["Bearer ".Length..].Trim(), Now);
        if (grant is null)
        {
            Counters.ApiRejected();
            context.Response.Headers.WWWAuthenticate = $"Bearer realm=\"OAuth2TestServer\", error=\"invalid_token\", error_description=\"{problem}\"";
            context.Response.StatusCode = 401;
            return;
        }

        await WriteJsonAsync(context.Response, 200, new { sub = grant.User.Id, path = context.Request.Path.Value }).ConfigureAwait(false);
    }
}
