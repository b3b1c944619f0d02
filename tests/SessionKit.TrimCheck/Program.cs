// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SessionKit;

// Registers SessionKit as an app does and runs its options validation, trimmed: the source-generated validators must
// reject a bad value and accept good ones without reflection.
var services = new ServiceCollection();
services.AddSessionKit(o =>
{
    o.UseGoTrue(new Uri("https://example.invalid/auth/v1"), apiKey: "anon");
    o.Refresh.AttemptTimeout = TimeSpan.FromHours(2);   // out of range: at most 10 minutes
});
services.AddSessionKitFileStore(o => o.LockTimeout = TimeSpan.FromSeconds(5));
services.AddHttpClient("api", c => c.BaseAddress = new Uri("https://api.example.invalid/")).AddSessionHandler();
using var provider = services.BuildServiceProvider();

try
{
    _ = provider.GetRequiredService<IOptions<SessionKitOptions>>().Value;
    Console.WriteLine("FAIL: an out-of-range AttemptTimeout was accepted");
    return 1;
}
catch (OptionsValidationException ex) when (ex.Message.Contains("AttemptTimeout", StringComparison.Ordinal))
{
    Console.WriteLine("rejected: " + ex.Message);
}

_ = provider.GetRequiredService<IOptions<FileTokenStoreOptions>>().Value;
_ = provider.GetRequiredService<IOptionsMonitor<SessionHandlerOptions>>().Get("api");
Console.WriteLine("OK " + SessionKitDiagnostics.MeterName);
return 0;
