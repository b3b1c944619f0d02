// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SessionKit.Samples.Web;
using SessionKit.Testing;

namespace SessionKit.AspNetCore.Tests.Support;

/// <summary>The demo web app (samples/SessionKit.Samples.Web) on free loopback ports, with helpers the tests share.</summary>
internal static class DemoHost
{
    public static Task<WebDemo> StartAsync(TimeSpan tokenLifetime, TimeSpan? dashboardInterval = null) =>
        WebDemo.StartAsync(new WebDemoOptions
        {
            WebPort = 0,
            DashboardInterval = dashboardInterval ?? TimeSpan.FromMilliseconds(300),
            AuthServer = new GoTrueTestServerOptions { AccessTokenLifetime = tokenLifetime, ReuseInterval = TimeSpan.Zero },
        });

    public static ITokenStore Store(this WebDemo demo) => demo.Web.Services.GetRequiredService<ITokenStore>();

    public static SignedInUserSessions Sessions(this WebDemo demo) => demo.Web.Services.GetRequiredService<SignedInUserSessions>();

    public static ISecureDataFormat<AuthenticationTicket> CookieFormat(this WebDemo demo) =>
        demo.Web.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(CookieAuthenticationDefaults.AuthenticationScheme).TicketDataFormat;

    /// <summary>Returns the session key of a signed-in user, read from their cookie as the app reads it.</summary>
    public static string KeyOf(this WebDemo demo, WebUser user)
    {
        var ticket = demo.CookieFormat().Unprotect(user.AuthCookie!.Value) ?? throw new InvalidOperationException("unreadable cookie");
        return demo.Sessions().GetSessionKey(ticket.Principal)!;
    }

    /// <summary>Returns the session key of the user signed in to <paramref name="browser"/>.</summary>
    public static string KeyOf(this WebDemo demo, OpenQA.Selenium.IWebDriver browser)
    {
        var cookie = browser.Manage().Cookies.GetCookieNamed(WebApp.CookieName) ?? throw new InvalidOperationException("not signed in");
        var ticket = demo.CookieFormat().Unprotect(cookie.Value) ?? throw new InvalidOperationException("unreadable cookie");
        return demo.Sessions().GetSessionKey(ticket.Principal)!;
    }

    /// <summary>
    /// Forces reuse at the token server: a thief takes the user's current refresh token and rotates it twice, so the app's
    /// token becomes a stale grandparent; the app's next refresh gets <c>refresh_token_already_used</c>.
    /// </summary>
    public static async Task StealAndRotateTwiceAsync(this WebDemo demo, string key)
    {
        var session = await demo.Store().GetAsync(key, CancellationToken.None) ?? throw new InvalidOperationException("no session");
        using var thief = new HttpClient();
        var refreshToken = session.RefreshToken!;
        for (var i = 0; i < 2; i++)
        {
            using var response = await thief.PostAsJsonAsync(new Uri(demo.AuthServer.AuthUrl + "/token?grant_type=refresh_token"), new { refresh_token = refreshToken });
            if (response.StatusCode != HttpStatusCode.OK)
            {
                // The app rotated first: the thief's token is already the stale one, which is reuse as well.
                return;
            }

            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            refreshToken = body.RootElement.GetProperty("refresh_token").GetString()!;
        }
    }
}
