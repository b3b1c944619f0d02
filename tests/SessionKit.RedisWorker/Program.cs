// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using SessionKit;
using SessionKit.FileStoreWorker;
using SessionKit.Redis;
using StackExchange.Redis;

// Usage: worker <mode> <redis-configuration> <data-protection-keys-dir> <auth-url> <api-url> [args]
//   farm <users> <until-unix-ms>   requests for users u0..u{n-1} (one loop each) until the deadline, then waits for the others
//   kill <key> <lease-ms>          refreshes the expired session under <key> and SIGKILLs itself once the server answered
//   request <key> <lease-ms>       one API request for <key>; reports the outcome and how long it took
var mode = args[0];
var redis = await ConnectionMultiplexer.ConnectAsync(args[1] + ",abortConnect=false,connectTimeout=2000,asyncTimeout=2000,syncTimeout=2000");
var dataProtection = new ServiceCollection()
    .AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(args[2])).SetApplicationName("SessionKit.Redis.Tests").Services
    .BuildServiceProvider().GetRequiredService<IDataProtectionProvider>();
var leaseMs = mode is "kill" or "request" ? int.Parse(args[6], CultureInfo.InvariantCulture) : 3000;
await using var store = new RedisTokenStore(redis, dataProtection, new RedisTokenStoreOptions { LockLease = TimeSpan.FromMilliseconds(leaseMs), LockWaitTimeout = TimeSpan.FromSeconds(20) });
var tokenHttp = new HttpClient(mode == "kill" ? new KillAfterResponseHandler() : new SocketsHttpHandler());
var tokenClient = new GoTrueTokenClient(tokenHttp, new GoTrueOptions { AuthUrl = new Uri(args[3]) });
using var coordinator = new RefreshCoordinator(store, tokenClient, new RefreshOptions { RetryBaseDelay = TimeSpan.FromMilliseconds(20) });
var ended = 0;
var refreshed = 0;
coordinator.SessionEnded += (_, _) => Interlocked.Increment(ref ended);
coordinator.SessionRefreshed += (_, _) => Interlocked.Increment(ref refreshed);
var handlerOptions = new SessionHandlerOptions();
handlerOptions.AllowedOrigins.Add(new Uri(args[4]));
handlerOptions.SessionKeySelector = static r => r.GetSessionKey();
using var api = new HttpClient(new SessionHandler(coordinator, handlerOptions) { InnerHandler = new SocketsHttpHandler { MaxConnectionsPerServer = 64 } }) { BaseAddress = new Uri(args[4]) };
var outcomes = new ConcurrentDictionary<string, int>();

async Task RequestAsync(string key)
{
    string outcome;
    try
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, key).SetSessionKey(key);
        using var response = await api.SendAsync(request);
        outcome = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
    }
    catch (SessionKitException ex)
    {
        outcome = ex.GetType().Name;
    }

    outcomes.AddOrUpdate(outcome, 1, static (_, n) => n + 1);
}

var report = new Dictionary<string, object?> { ["pid"] = Environment.ProcessId };
switch (mode)
{
    case "farm":
        var users = int.Parse(args[5], CultureInfo.InvariantCulture);
        var deadline = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(args[6], CultureInfo.InvariantCulture));
        await Task.WhenAll(Enumerable.Range(0, users).Select(async u =>
        {
            await Task.Yield();
            var key = "u" + u.ToString(CultureInfo.InvariantCulture);
            while (DateTimeOffset.UtcNow < deadline)
            {
                await RequestAsync(key);
                await Task.Delay(Random.Shared.Next(200, 500));
            }
        }));

        // Let every instance finish its last request (and any refresh) before the test reads the final state.
        var rest = deadline.AddSeconds(2) - DateTimeOffset.UtcNow;
        if (rest > TimeSpan.Zero)
        {
            await Task.Delay(rest);
        }

        break;
    case "kill":
        await RequestAsync(args[5]);
        Console.Error.WriteLine("the kill point was never reached");
        return 3;
    case "request":
        var watch = Stopwatch.StartNew();
        await RequestAsync(args[5]);
        report["elapsedMs"] = watch.ElapsedMilliseconds;
        var final = await store.GetAsync(args[5], CancellationToken.None);
        report["version"] = final?.Version;
        report["refreshToken"] = final?.RefreshToken;
        break;
}

report["outcomes"] = outcomes;
report["ended"] = ended;
report["refreshed"] = refreshed;
Console.WriteLine(JsonSerializer.Serialize(report));
return 0;
