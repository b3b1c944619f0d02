// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SessionKit.Tests.Support;

/// <summary>
/// A Kestrel server on <c>127.0.0.1:0</c> (its own origin) that answers every request with a test-supplied function and
/// records what it received: method, path, <c>Authorization</c> header and body.
/// </summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _received = new();

    private LoopbackServer(WebApplication app)
    {
        _app = app;
    }

    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyList<ReceivedRequest> Received => [.. _received];

    /// <summary>Starts a server answering with <paramref name="answer"/>, which writes the response for a request it was given.</summary>
    public static async Task<LoopbackServer> StartAsync(Func<HttpContext, ReceivedRequest, Task> answer)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new LoopbackServer(app);
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var authorization = context.Request.Headers.Authorization.ToString();
            var received = new ReceivedRequest(
                context.Request.Method,
                context.Request.Path + context.Request.QueryString,
                authorization.Length == 0 ? null : authorization,
                body);
            server._received.Enqueue(received);
            await answer(context, received);
        });
        await app.StartAsync();
        server.BaseAddress = new Uri(app.Urls.First().TrimEnd('/') + "/");
        return server;
    }

    /// <summary>Writes a redirect to <paramref name="location"/> (absolute or relative, sent as is).</summary>
    public static Task Redirect(HttpContext context, int status, string location)
    {
        context.Response.StatusCode = status;
        context.Response.Headers.Location = location;
        return Task.CompletedTask;
    }

    /// <summary>Answers 200 "ok" to a request with a Bearer token and 401 with a Bearer challenge to one without.</summary>
    public static Task RequireBearer(HttpContext context, ReceivedRequest request)
    {
        if (request.Authorization?.StartsWith("Bearer ", StringComparison.Ordinal) == true)
        {
            return context.Response.WriteAsync("ok:" + request.Method + ":" + request.Body);
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
