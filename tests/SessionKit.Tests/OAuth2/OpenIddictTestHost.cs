// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using OpenIddict.Validation.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace SessionKit.Tests.OAuth2;

/// <summary>
/// A real OpenIddict 7 server on Kestrel at <c>127.0.0.1:0</c>: EF Core in-memory stores (so redeemed tokens and revocations
/// are tracked), ephemeral keys, password and refresh grants, RFC 7009 revocation, and an <c>/api/...</c> protected by OpenIddict
/// validation with token and authorization entry checks (so a revoked grant's access tokens get 401 too).
/// </summary>
internal sealed class OpenIddictTestHost : IOAuth2Target
{
    private const string User = "ada";
    private const string UserPassword = "correct horse";
    private readonly WebApplication _app;
    private long _refreshCalls;
    private int _inFlight;
    private int _maxInFlight;

    private OpenIddictTestHost(WebApplication app, bool strict)
    {
        _app = app;
        Strict = strict;
    }

    public bool Strict { get; }

    public Uri BaseAddress { get; private set; } = null!;

    public Uri TokenEndpoint => new(BaseAddress, "connect/token");

    public Uri RevocationEndpoint => new(BaseAddress, "connect/revoke");

    public Uri ApiUrl => new(BaseAddress, "api/");

    public string ClientId => "sessionkit-tests";

    public string? ClientSecret => null;

    public string Scope => "openid offline_access";

    public string UserName => User;

    public string Password => UserPassword;

    public string UserId => "user-" + User;

    public long RefreshCalls => Interlocked.Read(ref _refreshCalls);

    public int MaxConcurrentRefreshes => Volatile.Read(ref _maxInFlight);

    /// <summary>Starts OpenIddict with a 30 s reuse leeway (its default), or strict (<c>SetRefreshTokenReuseLeeway(TimeSpan.Zero)</c>).</summary>
    public static async Task<OpenIddictTestHost> StartAsync(bool strict, TimeSpan? accessTokenLifetime = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var database = "openiddict-" + Guid.NewGuid().ToString("N");
        builder.Services.AddDbContext<OpenIddictTestDbContext>(o =>
        {
            o.UseInMemoryDatabase(database);
            o.UseOpenIddict();
        });
        builder.Services.AddOpenIddict()
            .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<OpenIddictTestDbContext>().DisableBulkOperations())
            .AddServer(o =>
            {
                o.SetTokenEndpointUris("connect/token").SetRevocationEndpointUris("connect/revoke");
                o.AllowPasswordFlow().AllowRefreshTokenFlow();
                o.RegisterScopes(Scopes.OpenId, Scopes.OfflineAccess);
                o.AddEphemeralEncryptionKey().AddEphemeralSigningKey();
                o.SetAccessTokenLifetime(accessTokenLifetime ?? TimeSpan.FromHours(1));

                // Strict: a second use of a refresh token revokes every token of the authorization at once.
                o.SetRefreshTokenReuseLeeway(strict ? TimeSpan.Zero : TimeSpan.FromSeconds(30));
                o.UseAspNetCore().EnableTokenEndpointPassthrough().DisableTransportSecurityRequirement();
            })
            .AddValidation(o =>
            {
                o.UseLocalServer();
                o.UseAspNetCore();
                o.EnableTokenEntryValidation();
                o.EnableAuthorizationEntryValidation();
            });
        builder.Services.AddAuthentication(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        builder.Services.AddAuthorization();
        var app = builder.Build();
        var host = new OpenIddictTestHost(app, strict);
        app.Use(host.CountRefreshesAsync);
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapPost("/connect/token", (Func<HttpContext, Task<IResult>>)TokenAsync);
        app.MapGet("/api/{**path}", (ClaimsPrincipal user) => Results.Json(new { sub = user.FindFirstValue(Claims.Subject) })).RequireAuthorization();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
            await applications.CreateAsync(new OpenIddictApplicationDescriptor
            {
                ClientId = host.ClientId,
                ClientType = ClientTypes.Public,
                Permissions =
                {
                    Permissions.Endpoints.Token,
                    Permissions.Endpoints.Revocation,
                    Permissions.GrantTypes.Password,
                    Permissions.GrantTypes.RefreshToken,
                    Permissions.Prefixes.Scope + Scopes.OpenId,
                    Permissions.Prefixes.Scope + Scopes.OfflineAccess,
                },
            });
        }

        await app.StartAsync();
        host.BaseAddress = new Uri(app.Urls.First().TrimEnd('/') + "/");
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static async Task<IResult> TokenAsync(HttpContext context)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        ClaimsPrincipal principal;
        if (request.IsPasswordGrantType())
        {
            if (request.Username != User || request.Password != UserPassword)
            {
                return Results.Forbid(
                    new AuthenticationProperties(new Dictionary<string, string?>
                    {
                        [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidGrant,
                        [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The username/password couple is invalid.",
                    }),
                    [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
            }

            var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
            identity.SetClaim(Claims.Subject, "user-" + User).SetClaim(Claims.Name, User);
            principal = new ClaimsPrincipal(identity);
            principal.SetScopes(request.GetScopes());
        }
        else if (request.IsRefreshTokenGrantType())
        {
            // Reached only when OpenIddict accepted the refresh token (unused, or reused within the leeway).
            var result = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            principal = result.Principal ?? throw new InvalidOperationException("OpenIddict passed through an unauthenticated refresh.");
        }
        else
        {
            throw new InvalidOperationException("Unexpected grant type.");
        }

        principal.SetDestinations(static _ => [Destinations.AccessToken, Destinations.IdentityToken]);
        return Results.SignIn(principal, properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private async Task CountRefreshesAsync(HttpContext context, RequestDelegate next)
    {
        var refresh = context.Request.Path == "/connect/token" && context.Request.HasFormContentType
            && (await context.Request.ReadFormAsync())["grant_type"] == GrantTypes.RefreshToken;
        if (!refresh)
        {
            await next(context);
            return;
        }

        Interlocked.Increment(ref _refreshCalls);
        var now = Interlocked.Increment(ref _inFlight);
        int max;
        while ((max = Volatile.Read(ref _maxInFlight)) < now && Interlocked.CompareExchange(ref _maxInFlight, now, max) != max)
        {
        }

        try
        {
            await next(context);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
