// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using SessionKit.Samples.Blazor.Host;
using SessionKit.Testing;

// One origin for everything the browser talks to: the WebAssembly app, the GoTrue-compatible token server (/auth/v1/...)
// and the API it protects (/api/...).
var options = SampleHostOptions.FromArgs(args);
var builder = WebApplication.CreateBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration["urls"]))
{
    builder.WebHost.UseUrls(SampleHostOptions.DefaultUrls);
}

// The app's files (_framework/...) are served from the build output's static web assets in every environment, so the sample
// runs the same with `dotnet run`, from the built dll, or under the browser tests.
builder.WebHost.UseStaticWebAssets();
builder.Logging.SetMinimumLevel(LogLevel.Warning);

var app = builder.Build();
var authServer = GoTrueTestServer.Create(new GoTrueTestServerOptions
{
    AccessTokenLifetime = options.TokenLifetime,
    ReuseInterval = options.ReuseInterval,
    ApiKey = "sample-anon-key",
});
authServer.AddUser("ada@example.test", "correct horse battery staple");

if (app.Environment.IsDevelopment())
{
    app.UseWebAssemblyDebugging();
}

app.MapStaticAssets();
authServer.MapEndpoints(app);
if (options.DemoControl)
{
    DemoControl.Map(app, authServer);
}

app.MapFallbackToFile("index.html");

await app.StartAsync();
Console.WriteLine($"SessionKit Blazor sample listening on {authServer.BaseAddress}");
Console.WriteLine("Sign in as ada@example.test / correct horse battery staple (prefilled). Open several tabs.");
Console.WriteLine($"Access tokens live {options.TokenLifetime.TotalSeconds} s; reuse interval {options.ReuseInterval.TotalSeconds} s"
    + (options.DemoControl ? "; test endpoints on under /_demo/." : "."));
Console.WriteLine("Press Ctrl+C to stop.");
await app.WaitForShutdownAsync();
