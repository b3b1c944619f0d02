using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using SessionKit.Browser.SizeCheck;

var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.RootComponents.Add<App>("#app");
builder.RootComponents.Add<HeadOutlet>("head::after");

builder.Services.AddScoped(sp => new HttpClient { BaseAddress = new Uri(builder.HostEnvironment.BaseAddress) });
#if WITH_SESSIONKIT
var baseAddress = new Uri(builder.HostEnvironment.BaseAddress);
builder.Services.AddSessionKit(o => o.UseGoTrue(new Uri(baseAddress, "auth/v1"), apiKey: "anon"))
    .AddBrowserStore();
builder.Services.AddHttpClient("api", c => c.BaseAddress = new Uri(baseAddress, "api/"))
    .AddSessionHandler();
var host = builder.Build();
await host.Services.StartSessionKitBrowserAsync();
await host.RunAsync();
#else
await builder.Build().RunAsync();
#endif
