// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace SessionKit.Samples.Web;

/// <summary>
/// The API the web app calls on behalf of its users, on its own port. It checks each bearer token with the auth server (as a
/// Supabase API does) and answers with the user the token belongs to.
/// </summary>
public static class DownstreamApi
{
    private static long _served;

    /// <summary>Builds the API app on 127.0.0.1 with a free port.</summary>
    public static WebApplication Build(Uri authServerApi)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddHttpClient("auth", c => c.BaseAddress = authServerApi);
        var app = builder.Build();

        app.MapGet("/data", async (HttpContext context, IHttpClientFactory factory, CancellationToken cancellationToken) =>
        {
            if (!AuthenticationHeaderValue.TryParse(context.Request.Headers.Authorization, out var bearer) || bearer.Scheme != "Bearer")
            {
                return Unauthorized(context);
            }

            using var check = new HttpRequestMessage(HttpMethod.Get, "whoami") { Headers = { Authorization = bearer } };
            using var answer = await factory.CreateClient("auth").SendAsync(check, cancellationToken);
            if (answer.StatusCode == HttpStatusCode.Unauthorized)
            {
                return Unauthorized(context);
            }

            answer.EnsureSuccessStatusCode();
            using var who = JsonDocument.Parse(await answer.Content.ReadAsStringAsync(cancellationToken));
            return Results.Json(new
            {
                user = who.RootElement.GetProperty("user").GetString(),
                served = Interlocked.Increment(ref _served),
                at = TimeProvider.System.GetUtcNow(),
            });
        });
        return app;
    }

    private static IResult Unauthorized(HttpContext context)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
        return Results.Json(new { error = "invalid_token" }, statusCode: StatusCodes.Status401Unauthorized);
    }
}
