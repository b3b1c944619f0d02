// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SessionKit.Testing;

namespace SessionKit.AspNetCore.Tests.Support;

/// <summary>
/// A minimal cookie web app on Kestrel (Development environment, so an unhandled exception shows its details) wired as the
/// README says, over a store that can fail, with endpoints that act for the signed-in user and for a named service session.
/// </summary>
internal sealed class MiddlewareHost : IAsyncDisposable
{
    public const string CookieName = "Attack.Auth";
    public const string ServiceKey = "service:nightly-sync";

    private MiddlewareHost(GoTrueTestServer auth, WebApplication app, OutageTokenStore store, PathString pathBase)
    {
        Auth = auth;
        App = app;
        Store = store;
        Url = new Uri(app.Urls.First().TrimEnd('/') + pathBase.ToUriComponent() + "/");
    }

    public GoTrueTestServer Auth { get; }

    public WebApplication App { get; }

    public OutageTokenStore Store { get; }

    public Uri Url { get; }

    public SignedInUserSessions Sessions => App.Services.GetRequiredService<SignedInUserSessions>();

    public static async Task<MiddlewareHost> StartAsync(Action<SignedInUserSessionOptions>? configure = null, PathString pathBase = default)
    {
        var auth = await GoTrueTestServer.StartAsync();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var store = new OutageTokenStore();
        var services = builder.Services;
        services.AddSingleton<ITokenStore>(store);
        services.AddSessionKit(o => o.UseGoTrue(auth.AuthUrl)).AddAspNetCore(configure);
        services.AddHttpClient("api", c => c.BaseAddress = auth.ApiUrl).AddSessionHandler().UseSignedInUserSession();
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
        {
            o.Cookie.Name = CookieName;
            o.LoginPath = "/signin";
            o.Events.OnRedirectToLogin = SessionKitCookieEvents.RedirectToSignInAsync;
        });
        services.AddAuthorization();

        var app = builder.Build();
        if (pathBase.HasValue)
        {
            app.UsePathBase(pathBase);
        }

        app.UseAuthentication();
        app.UseSessionKitForcedSignOut();
        app.UseAuthorization();
        app.MapPost("/signin", async (HttpContext context, SignedInUserSessions sessions) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            await sessions.SignInWithPasswordAsync(context, form["email"].ToString(), form["password"].ToString(), cancellationToken: context.RequestAborted);
            return Results.Ok();
        });
        app.MapPost("/signout", async (HttpContext context, SignedInUserSessions sessions) =>
        {
            await sessions.SignOutAsync(context, context.RequestAborted);
            return Results.Redirect("/signin?reason=" + SessionEndCodes.SignedOut);
        });
        app.MapGet("/api/me", async (HttpContext context, IHttpClientFactory factory) =>
            Results.Text(await factory.CreateClient("api").GetStringAsync("me", context.RequestAborted))).RequireAuthorization();
        app.MapGet("/api/service", async (HttpContext context, IHttpClientFactory factory) =>
        {
            // Work the app does with its own named session (a service account), not the user's.
            using var request = new HttpRequestMessage(HttpMethod.Get, "me").SetSessionKey(ServiceKey);
            using var response = await factory.CreateClient("api").SendAsync(request, context.RequestAborted);
            return Results.Text(await response.Content.ReadAsStringAsync(context.RequestAborted));
        }).RequireAuthorization();
        await app.StartAsync();
        return new MiddlewareHost(auth, app, store, pathBase);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        await Auth.DisposeAsync();
    }
}
