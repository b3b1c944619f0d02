// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace SessionKit.AspNetCore.Internal;

/// <summary>Answers a request whose user must sign in (again): a redirect to the sign-in page for a browser, 401 with a JSON reason for an API call.</summary>
internal static class SignInResponder
{
    /// <summary>The <c>error</c> of a 503 answer (the OAuth 2.0 code for the same condition).</summary>
    public const string UnavailableCode = "temporarily_unavailable";

    private const string UnavailableMessage = "Sign-in is temporarily unavailable. Please try again in a moment.";

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
        QueryHelpers.AddQueryString(request.PathBase.Add(options.SignInPath).ToUriComponent() is { Length: > 0 } path ? path : "/", options.ReasonQueryParameter, code);

    /// <summary>The reason a request without a signed-in user gets: the one a recent forced sign-out left in the reason cookie, else <see cref="SessionEndCodes.NotSignedIn"/>.</summary>
    public static string NotSignedInCode(HttpRequest request, SignedInUserSessionOptions options) =>
        options.ReasonCookieName is { Length: > 0 } name
        && request.Cookies.TryGetValue(name, out var code)
        && code is not null
        && options.GetMessage(code) is not null
            ? code
            : SessionEndCodes.NotSignedIn;

    /// <summary>Signs the auth cookie out and leaves the reason cookie, so the user's other tabs learn the same reason.</summary>
    public static async Task SignOutWithReasonAsync(HttpContext context, SignedInUserSessionOptions options, string code)
    {
        await context.SignOutAsync(options.CookieScheme).ConfigureAwait(false);
        if (options.ReasonCookieName is { Length: > 0 } name)
        {
            context.Response.Cookies.Append(name, code, new CookieOptions
            {
                HttpOnly = true,
                IsEssential = true,
                SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Lax,
                Secure = context.Request.IsHttps,
                Path = context.Request.PathBase.HasValue ? context.Request.PathBase.ToUriComponent() : "/",
                MaxAge = TimeSpan.FromMinutes(5),
            });
        }
    }

    /// <summary>Removes the reason cookie after a successful sign-in.</summary>
    public static void ClearReason(HttpContext context, SignedInUserSessionOptions options)
    {
        if (options.ReasonCookieName is { Length: > 0 } name && context.Request.Cookies.ContainsKey(name))
        {
            context.Response.Cookies.Delete(name, new CookieOptions { Path = context.Request.PathBase.HasValue ? context.Request.PathBase.ToUriComponent() : "/" });
        }
    }

    /// <summary>Answers 503 when the store or the token server is unavailable: the session did not end, so no sign-out, no reason and no detail.</summary>
    public static async Task RespondUnavailableAsync(HttpContext context, SignedInUserSessionOptions options, TimeSpan? retryAfter)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        response.Headers.CacheControl = "no-store";
        if (retryAfter is { } delay)
        {
            response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(delay.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        using var body = new MemoryStream();
        if (IsApiRequest(context.Request, options))
        {
            response.ContentType = "application/json; charset=utf-8";
            using var json = new Utf8JsonWriter(body);
            json.WriteStartObject();
            json.WriteString("error", UnavailableCode);
            json.WriteString("message", UnavailableMessage);
            json.WriteEndObject();
        }
        else
        {
            response.ContentType = "text/plain; charset=utf-8";
            body.Write(Encoding.UTF8.GetBytes(UnavailableMessage));
        }

        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body.GetBuffer().AsMemory(0, (int)body.Length), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Signs the cookie out (when <paramref name="signOut"/>) and answers with the reason <paramref name="code"/>.</summary>
    public static async Task RespondAsync(HttpContext context, SignedInUserSessionOptions options, string code, bool signOut)
    {
        if (signOut)
        {
            await SignOutWithReasonAsync(context, options, code).ConfigureAwait(false);
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
            json.WriteString("error", code is SessionEndCodes.NotSignedIn ? "not_signed_in" : "session_ended");
            json.WriteString("reason", code);
            json.WriteString("message", options.GetMessage(code));
            json.WriteString("signInUrl", url);
            json.WriteEndObject();
        }

        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body.GetBuffer().AsMemory(0, (int)body.Length), context.RequestAborted).ConfigureAwait(false);
    }
}
