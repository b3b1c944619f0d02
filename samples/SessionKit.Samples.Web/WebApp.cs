// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using SessionKit.AspNetCore;

namespace SessionKit.Samples.Web;

/// <summary>
/// The web app: a cookie sign-in against the auth server, a dashboard that calls the downstream API for the signed-in user
/// through SessionKit, sign-out, and the sign-in page that shows why a session ended.
/// </summary>
public static class WebApp
{
    /// <summary>The name of the auth cookie. It holds the user's claims only, never a token.</summary>
    public const string CookieName = "SessionKit.Demo";

    /// <summary>Builds the web app.</summary>
    public static WebApplication Build(WebDemoOptions options, Uri authUrl, Uri apiUrl)
    {
        var builder = WebApplication.CreateBuilder();
        if (!options.Logging)
        {
            builder.Logging.ClearProviders();
        }

        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, options.WebPort));
        var services = builder.Services;

        // begin-snippet: aspnetcore-services
        services.AddSessionKit(o => o.UseGoTrue(authUrl));
        services.AddSessionKitAspNetCore(o => o.SignInPath = "/signin");
        services.AddHttpClient("downstream", c => c.BaseAddress = apiUrl)
            .AddSessionHandler()
            .UseSignedInUserSession();
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.LoginPath = "/signin";
                o.Events.OnRedirectToLogin = SessionKitCookieEvents.RedirectToSignInAsync;
            });
        // end-snippet
        ConfigureStore(services, options);
        services.Configure<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme, o =>
        {
            o.Cookie.Name = CookieName;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
        });
        services.AddAuthorization();
        services.AddAntiforgery(o => o.Cookie.Name = "SessionKit.Demo.Antiforgery");

        var app = builder.Build();

        // begin-snippet: aspnetcore-pipeline
        app.UseAuthentication();
        app.UseSessionKitForcedSignOut();
        app.UseAuthorization();
        // end-snippet
        MapEndpoints(app, options);
        return app;
    }

    /// <summary>
    /// The session store. SessionKit uses whatever <see cref="ITokenStore"/> is registered: the in-memory default keeps one
    /// instance's sessions; a web farm registers a shared store here (SessionKit.Redis, when <see cref="WebDemoOptions.Redis"/>
    /// is set) and every instance then sees each refresh and each forced sign-out.
    /// </summary>
    public static void ConfigureStore(IServiceCollection services, WebDemoOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Redis is not null)
        {
            // The web farm store: every instance of the app shares sessions, refresh locks and ends through Redis.
            services.AddSessionKitRedisStore(options.Redis);
        }
    }

    private static void MapEndpoints(WebApplication app, WebDemoOptions options)
    {
        app.MapGet("/signin", (HttpContext context, IAntiforgery antiforgery, SignedInUserSessions sessions) =>
        {
            var reason = sessions.Options.GetMessage(context.Request.Query[sessions.Options.ReasonQueryParameter]);
            return Results.Content(Pages.SignIn(antiforgery.GetAndStoreTokens(context), reason, error: null), "text/html; charset=utf-8");
        });

        app.MapPost("/signin", async (HttpContext context, IAntiforgery antiforgery, SignedInUserSessions sessions) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return Results.BadRequest();
            }

            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            string email = form["email"].ToString(), password = form["password"].ToString();
            if (email.Length == 0 || password.Length == 0)
            {
                return Results.Content(Pages.SignIn(antiforgery.GetAndStoreTokens(context), null, "Enter your email and password."), "text/html; charset=utf-8");
            }

            try
            {
                // begin-snippet: aspnetcore-signin
                await sessions.SignInWithPasswordAsync(context, email, password, cancellationToken: context.RequestAborted);
                // end-snippet
            }
            catch (SessionSignInException)
            {
                return Results.Content(Pages.SignIn(antiforgery.GetAndStoreTokens(context), null, "Wrong email or password."), "text/html; charset=utf-8");
            }

            return Results.Redirect("/");
        });

        app.MapGet("/", (HttpContext context, IAntiforgery antiforgery) =>
            Results.Content(Pages.Dashboard(context.User.Identity?.Name ?? "?", antiforgery.GetAndStoreTokens(context), options.DashboardInterval), "text/html; charset=utf-8"))
            .RequireAuthorization();

        app.MapGet("/api/dashboard", async (HttpContext context, IHttpClientFactory factory, SignedInUserSessions sessions, TimeProvider clock) =>
        {
            // The downstream client attaches the signed-in user's access token, refreshing it once per rotation for all tabs.
            using var response = await factory.CreateClient("downstream").GetAsync("data", context.RequestAborted);
            if (!response.IsSuccessStatusCode)
            {
                return Results.Json(new { error = "api_unavailable", status = (int)response.StatusCode }, statusCode: StatusCodes.Status502BadGateway);
            }

            using var data = JsonDocument.Parse(await response.Content.ReadAsStringAsync(context.RequestAborted));
            var session = await sessions.ForUser(context.User).GetSessionAsync(context.RequestAborted);
            var now = clock.GetUtcNow();
            return Results.Json(new
            {
                name = context.User.Identity?.Name,
                apiUser = data.RootElement.GetProperty("user").GetString(),
                served = data.RootElement.GetProperty("served").GetInt64(),
                tokenVersion = session?.Version,
                tokenExpiresInMs = session is null ? (double?)null : Math.Max(0, (session.ExpiresAt - now).TotalMilliseconds),
                at = now,
            });
        }).RequireAuthorization();

        app.MapPost("/signout", async (HttpContext context, IAntiforgery antiforgery, SignedInUserSessions sessions) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return Results.BadRequest();
            }

            await sessions.SignOutAsync(context, context.RequestAborted);
            return Results.Redirect("/signin?reason=" + SessionEndCodes.SignedOut);
        });
    }
}
