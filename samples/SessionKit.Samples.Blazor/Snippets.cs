// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using Microsoft.Extensions.DependencyInjection;

// Outside SessionKit.Samples so that the snippet reads as it would in an app.
namespace ReadmeSnippets;

/// <summary>
/// The README's Blazor WebAssembly wiring, compiled so it cannot drift (ReadmeTests compares the region with the README block of
/// the same name). Program.cs is the same wiring with the demo's switches.
/// </summary>
internal static class Snippets
{
    public static async Task RunAsync(WebAssemblyHostBuilder builder, Uri authUrl, Uri apiUrl)
    {
        // begin-snippet: blazor
        builder.Services.AddSessionKit(o => o.UseGoTrue(authUrl, apiKey: "your-anon-key"))
            .AddBrowserStore();                                  // localStorage; one refresh across tabs (Web Locks)
        builder.Services.AddHttpClient("api", c => c.BaseAddress = apiUrl)
            .AddSessionHandler();

        var host = builder.Build();
        await host.Services.StartSessionKitBrowserAsync();      // every tab sees every change; SessionEnded in each
        await host.RunAsync();
        // end-snippet
    }
}
