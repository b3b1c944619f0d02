// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SessionKit;
using SessionKit.Redis;

// Registers SessionKit (and the SessionKit.Redis store) as an app does, from configuration, and runs its options validation,
// trimmed or compiled ahead of time: the source-generated binding must read every kind of value (URL, enum, TimeSpan, list) and
// the options validators (plain code, no DataAnnotations) must reject a bad value and accept good ones, all without reflection.
var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
{
    ["SessionKit:GoTrue:AuthUrl"] = "https://example.invalid/auth/v1",
    ["SessionKit:GoTrue:ApiKey"] = "anon",
    ["SessionKit:GoTrue:SignOutScope"] = "Global",
    ["SessionKit:Refresh:AttemptTimeout"] = "02:00:00",   // out of range: at most 10 minutes
    ["SessionKit:FileStore:LockTimeout"] = "00:00:05",
    ["Api:RefreshMargin"] = "00:00:10",
    ["Api:AllowedOrigins:0"] = "https://files.example.invalid",
    ["Redis:KeyPrefix"] = "trim:",
    ["Redis:LockLease"] = "00:00:20",
}).Build();

var services = new ServiceCollection();
services.AddSessionKit(configuration.GetSection("SessionKit")).AddFileStore(configuration.GetSection("SessionKit:FileStore"));
services.AddHttpClient("api", c => c.BaseAddress = new Uri("https://api.example.invalid/")).AddSessionHandler(configuration.GetSection("Api"));
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

var store = provider.GetRequiredService<IOptions<FileTokenStoreOptions>>().Value;
var handler = provider.GetRequiredService<IOptionsMonitor<SessionHandlerOptions>>().Get("api");
configuration["SessionKit:Refresh:AttemptTimeout"] = "00:00:20";
var valid = new ServiceCollection();
valid.AddSessionKit(configuration.GetSection("SessionKit")).AddRedisStore(configuration.GetSection("Redis"));
using var validProvider = valid.BuildServiceProvider();
var options = validProvider.GetRequiredService<IOptions<SessionKitOptions>>().Value;
var redis = validProvider.GetRequiredService<IOptions<RedisTokenStoreOptions>>().Value;
Console.WriteLine($"redis: KeyPrefix={redis.KeyPrefix} LockLease={redis.LockLease}");   // the store itself would connect
Console.WriteLine($"bound: SignOutScope={options.GoTrue!.SignOutScope} AttemptTimeout={options.Refresh.AttemptTimeout} " +
    $"LockTimeout={store.LockTimeout} RefreshMargin={handler.RefreshMargin} Origins={handler.AllowedOrigins.Count}");
Console.WriteLine("OK " + SessionKitDiagnostics.MeterName);
return 0;
