// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace SessionKit.AspNetCore.Internal;

/// <summary>Answers a request whose user must sign in (again): a redirect to the sign-in page for a browser, 401 with a JSON reason for an API call.</summary>
internal static class SignInResponder
{
    public static bool IsApiRequest(HttpRequest request, SignedInUserSessionOptions options)
    {
        if (options.IsApiRequest is { } isApi)
        {
            return isApi(request);
        }

        foreach (var accept in request.Headers.Accept)
        {
            if (accept is not null && accept.Contains("text/html", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }

    public static string SignInUrl(HttpRequest request, SignedInUserSessionOptions options, string code) =>
        QueryHelpers.AddQueryString(request.PathBase.Add(options.SignInPath).Value ?? "/", options.ReasonQueryParameter, code);

    /// <summary>Signs the cookie out (when <paramref name="signOut"/>) and answers with the reason <paramref name="code"/>.</summary>
    public static async Task RespondAsync(HttpContext context, SignedInUserSessionOptions options, string code, bool signOut)
    {
        if (signOut)
        {
            await context.SignOutAsync(options.CookieScheme).ConfigureAwait(false);
        }

        var response = context.Response;
        var url = SignInUrl(context.Request, options, code);
        response.Headers[SessionEndCodes.HeaderName] = code;
        response.Headers.CacheControl = "no-store";
        if (!IsApiRequest(context.Request, options))
        {
            response.Redirect(url);
            return;
        }

        response.StatusCode = StatusCodes.Status401Unauthorized;
        response.ContentType = "application/json; charset=utf-8";
        response.Headers[HeaderNames.WWWAuthenticate] = "Cookie";
        using var body = new MemoryStream();
        using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            json.WriteString("error", code == SessionEndCodes.NotSignedIn ? "not_signed_in" : "session_ended");
            json.WriteString("reason", code);
            json.WriteString("message", options.GetMessage(code));
            json.WriteString("signInUrl", url);
            json.WriteEndObject();
        }

        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body.GetBuffer().AsMemory(0, (int)body.Length), context.RequestAborted).ConfigureAwait(false);
    }
}
