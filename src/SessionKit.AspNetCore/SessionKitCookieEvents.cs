// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using SessionKit.AspNetCore.Internal;

namespace SessionKit.AspNetCore;

/// <summary>Cookie authentication events that keep tokens out of the cookie and answer API calls with a JSON reason instead of a redirect.</summary>
/// <example>
/// <code>
/// .AddCookie(o =>
/// {
///     o.LoginPath = "/signin";
///     o.Events.OnSigningIn = SessionKitCookieEvents.MoveTokensToStoreAsync;
///     o.Events.OnRedirectToLogin = SessionKitCookieEvents.RedirectToSignInAsync;
/// });
/// </code>
/// </example>
public static class SessionKitCookieEvents
{
    private const string AccessTokenName = "access_token";
    private const string RefreshTokenName = "refresh_token";
    private const string ExpiresAtName = "expires_at";

    /// <summary>
    /// <c>OnSigningIn</c>: when a remote handler saved tokens in the authentication properties (<c>SaveTokens = true</c>, as
    /// OpenID Connect and OAuth handlers do), stores them as the user's session in SessionKit and removes every token from the
    /// properties, so the cookie holds claims only. Does nothing when there is no <c>access_token</c>.
    /// </summary>
    /// <param name="context">The signing-in context.</param>
    /// <returns>A task that completes when the session is stored.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is <see langword="null"/>.</exception>
    /// <exception cref="SessionRequiredException">The principal has no subject claim, so no session key can be derived.</exception>
    public static async Task MoveTokensToStoreAsync(CookieSigningInContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var properties = context.Properties;
        var accessToken = properties.GetTokenValue(AccessTokenName);
        if (string.IsNullOrEmpty(accessToken))
        {
            return;
        }

        var sessions = context.HttpContext.RequestServices.GetRequiredService<SignedInUserSessions>();
        var timeProvider = context.HttpContext.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System;
        TimeSpan? expiresIn = null;
        if (properties.GetTokenValue(ExpiresAtName) is { } expiresAt
            && DateTimeOffset.TryParse(expiresAt, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at))
        {
            expiresIn = at - timeProvider.GetUtcNow();
        }

        var session = sessions.CreateSession(accessToken, properties.GetTokenValue(RefreshTokenName), expiresIn);
        var key = await sessions.StoreSessionAsync(context.Principal!, session, context.HttpContext.RequestAborted).ConfigureAwait(false);
        properties.StoreTokens([]);
        Log.TokensMovedToStore(sessions.Logger, key);
    }

    /// <summary>
    /// <c>OnRedirectToLogin</c>: an API call (see <see cref="SignedInUserSessionOptions.IsApiRequest"/>) gets 401 with
    /// <c>{"error":"not_signed_in","reason":"not_signed_in",...}</c> instead of a redirect that <c>fetch</c> would follow;
    /// a browser navigation is redirected to the login path as usual. Within minutes of a forced sign-out (see
    /// <see cref="SignedInUserSessionOptions.ReasonCookieName"/>) both carry that sign-out's reason instead.
    /// </summary>
    /// <param name="context">The redirect context.</param>
    /// <returns>A task that completes when the response is written.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is <see langword="null"/>.</exception>
    public static Task RedirectToSignInAsync(RedirectContext<CookieAuthenticationOptions> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = context.HttpContext.RequestServices.GetRequiredService<SignedInUserSessions>().Options;
        var code = SignInResponder.NotSignedInCode(context.Request, options);
        if (SignInResponder.IsApiRequest(context.Request, options) || code != SessionEndCodes.NotSignedIn)
        {
            // An API call gets the JSON reason; a page right after a forced sign-out goes to the sign-in page with its reason.
            return SignInResponder.RespondAsync(context.HttpContext, options, code, signOut: false);
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
