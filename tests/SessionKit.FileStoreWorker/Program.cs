// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Text.Json;
using SessionKit;
using SessionKit.FileStoreWorker;

// Usage: worker <mode> <store-path> <auth-url> <api-url> [arg]
//   run <until-unix-ms>   make API requests until the deadline, wait for the others, report the store's final version
//   kill <kill-point>     refresh the expired stored session and SIGKILL this process at the kill point
//   request               make one API request and report the outcome
var mode = args[0];
var store = new FileTokenStore(new FileTokenStoreOptions { Path = args[1] });
var tokenHttp = new HttpClient(mode == "kill" && args[4] == "after-response" ? new KillAfterResponseHandler() : new SocketsHttpHandler());
var tokenClient = new GoTrueTokenClient(tokenHttp, new GoTrueOptions { AuthUrl = new Uri(args[2]) });
using var coordinator = new RefreshCoordinator(store, tokenClient, new RefreshOptions { RetryBaseDelay = TimeSpan.FromMilliseconds(20) });
var ended = 0;
coordinator.SessionEnded += (_, _) => Interlocked.Increment(ref ended);
var handlerOptions = new SessionHandlerOptions();
handlerOptions.AllowedOrigins.Add(new Uri(args[3]));
using var api = new HttpClient(new SessionHandler(coordinator, handlerOptions) { InnerHandler = new SocketsHttpHandler() }) { BaseAddress = new Uri(args[3]) };
var outcomes = new Dictionary<string, int>();

async Task RequestAsync(string path)
{
    string outcome;
    try
    {
        using var response = await api.GetAsync(path);
        outcome = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
    catch (SessionKitException ex)
    {
        outcome = ex.GetType().Name;
    }

    outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
}

switch (mode)
{
    case "run":
        var deadline = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture));
        while (DateTimeOffset.UtcNow < deadline)
        {
            await RequestAsync($"p{Environment.ProcessId}");
            await Task.Delay(Random.Shared.Next(0, 15));
        }

        // Let every process finish its last request (and any refresh) before reading the final state.
        await Task.Delay(deadline.AddSeconds(2) - DateTimeOffset.UtcNow);
        break;
    case "kill":
        if (args[4] is "temp-written" or "renamed")
        {
            var point = args[4];
            store.WriteStageHook = stage =>
            {
                if (stage == point)
                {
                    Process.GetCurrentProcess().Kill();
                }
            };
        }

        await RequestAsync("kill");
        Console.Error.WriteLine("the kill point was never reached");
        return 3;
    case "request":
        await RequestAsync("request");
        break;
}

var final = await store.GetAsync("default", CancellationToken.None);
Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?>
{
    ["pid"] = Environment.ProcessId,
    ["outcomes"] = outcomes,
    ["ended"] = ended,
    ["version"] = final?.Version,
    ["refreshToken"] = final?.RefreshToken,
}));
return 0;
