// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SessionKit.Browser.Tests.Support;

namespace SessionKit.Browser.Tests.JsModule;

/// <summary>
/// Serves <c>src/SessionKit.Browser/wwwroot/sessionkit-browser.js</c> (read from the repository on each request, so it is the
/// module as it is now) and a page that imports it as <c>window.sk</c>, on Kestrel at <c>127.0.0.1:0</c>. The page's
/// <c>window.skListener</c> stands in for the .NET listener: every call is recorded in <c>window.skCalls</c>. With
/// <c>?nolocks</c> the page deletes <c>navigator.locks</c> before the module loads (a browser without Web Locks).
/// </summary>
internal sealed class ModuleServer : IAsyncDisposable
{
    private const string Page = """
        <!doctype html>
        <meta charset="utf-8">
        <title>sessionkit-browser.js</title>
        <script>
          if (location.search.includes("nolocks")) { delete Navigator.prototype.locks; }
          window.skCalls = [];
          window.skListener = { invokeMethodAsync(method, ...args) { window.skCalls.push([method, ...args]); return Promise.resolve(); } };
          window.skDelay = ms => new Promise(resolve => setTimeout(resolve, ms));
        </script>
        <script type="module">
          import * as sk from "/sessionkit-browser.js";
          window.sk = sk;
          window.skReady = true;
        </script>
        """;

    private readonly WebApplication _app;

    private ModuleServer(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<ModuleServer> StartAsync()
    {
        var module = Path.Combine(Repository.Root, "src", "SessionKit.Browser", "wwwroot", "sessionkit-browser.js");
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(async context =>
        {
            context.Response.Headers.CacheControl = "no-store";
            if (context.Request.Path == "/sessionkit-browser.js")
            {
                context.Response.ContentType = "text/javascript; charset=utf-8";
                await context.Response.WriteAsync(await File.ReadAllTextAsync(module, context.RequestAborted), context.RequestAborted);
            }
            else if (context.Request.Path == "/")
            {
                context.Response.ContentType = "text/html; charset=utf-8";
                await context.Response.WriteAsync(Page, context.RequestAborted);
            }
            else
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
            }
        });
        await app.StartAsync();
        return new ModuleServer(app) { BaseAddress = new Uri(app.Urls.First().TrimEnd('/') + "/") };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
