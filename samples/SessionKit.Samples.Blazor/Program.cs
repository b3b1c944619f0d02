// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Runtime.Versioning;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using SessionKit.Samples.Blazor;

[assembly: SupportedOSPlatform("browser")]

var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.RootComponents.Add<App>("#app");

// The token server (/auth/v1) and the API (/api/) are on the origin that served the app.
var origin = new Uri(builder.HostEnvironment.BaseAddress);
var settings = DemoSettings.FromPage();
builder.Services.AddSingleton(settings);
builder.Services.AddSingleton<TabActivity>();

builder.Services.AddSessionKit(o => o.UseGoTrue(new Uri(origin, "auth/v1"), DemoSettings.ApiKey));
builder.Services.AddHttpClient("api", c => c.BaseAddress = new Uri(origin, "api/"))
    .AddSessionHandler();

// Only to show on the page when this tab talks to the token endpoint; an app does not need it.
builder.Services.AddHttpClient(SessionKitServiceCollectionExtensions.TokenEndpointClientName)
    .AddHttpMessageHandler(sp => new TokenCallWatcher(sp.GetRequiredService<TabActivity>()));

var host = builder.Build();
await host.RunAsync();
