// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Runtime.Versioning;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using SessionKit.Browser;
using SessionKit.Samples.Blazor;

[assembly: SupportedOSPlatform("browser")]

var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.RootComponents.Add<App>("#app");

// The token server (/auth/v1) and the API (/api/) are on the origin that served the app.
var origin = new Uri(builder.HostEnvironment.BaseAddress);
var settings = DemoSettings.FromPage();
builder.Services.AddSingleton(settings);
builder.Services.AddSingleton<TabActivity>();

// One session for every tab of this browser: stored in localStorage (or as ?storage= says), refreshed under a Web Lock
// (or, with ?weblocks=off, the storage-lease fallback), and every change seen by every tab.
builder.Services.AddSessionKit(o => o.UseGoTrue(new Uri(origin, "auth/v1"), DemoSettings.ApiKey))
    .AddBrowserStore(o =>
    {
        o.Storage = settings.Storage switch
        {
            "session" => BrowserStorageKind.Session,
            "memory" => BrowserStorageKind.Memory,
            _ => BrowserStorageKind.Local,
        };
        o.UseWebLocks = settings.UseWebLocks;
    });
builder.Services.AddHttpClient("api", c => c.BaseAddress = new Uri(origin, "api/"))
    .AddSessionHandler();

// Only to show on the page when this tab talks to the token endpoint; an app does not need it.
builder.Services.AddHttpClient(SessionKitServiceCollectionExtensions.TokenEndpointClientName)
    .AddHttpMessageHandler(sp => new TokenCallWatcher(sp.GetRequiredService<TabActivity>()));

var host = builder.Build();

// Cross-tab sync starts before the first render, so the page sees the session another tab already signed in.
await host.Services.StartSessionKitBrowserAsync();
host.Services.GetRequiredService<TabActivity>().TabId = host.Services.GetRequiredService<BrowserTokenStore>().TabId;

await host.RunAsync();
