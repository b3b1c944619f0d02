// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using SessionKit;
using SessionKit.Samples.Console;
using SessionKit.Testing;

// "--store file": two processes share one encrypted session file (see FileStoreDemo).
if (args.Length > 0 && args[0] == "--worker")
{
    return await FileStoreDemo.WorkerAsync(args);
}

if (args.SequenceEqual(["--store", "file"]))
{
    return await FileStoreDemo.RunAsync();
}

// An embedded GoTrue-compatible server: 2-second access tokens, a 1-second reuse interval.
await using var server = await GoTrueTestServer.StartAsync(new GoTrueTestServerOptions
{
    AccessTokenLifetime = TimeSpan.FromSeconds(2),
    ReuseInterval = TimeSpan.FromSeconds(1),
});
server.AddUser("ada@example.test", "correct horse battery staple");
var clock = Stopwatch.StartNew();
void Say(string text) => Console.WriteLine($"[{clock.Elapsed.TotalSeconds,5:0.0}s] {text}");

Say($"Auth server listening at {server.AuthUrl}");

// 1. Wire SessionKit into the HttpClient pipeline and sign in.
await using var app = Quickstart.BuildServices(server.AuthUrl, server.ApiUrl);
var session = app.GetRequiredService<SessionClient>();
var api = app.GetRequiredService<IHttpClientFactory>().CreateClient("api");
session.SessionRefreshed += (_, e) => Say($"  refreshed: {e.Session}");
session.SessionEnded += (_, e) => Say($"  SESSION ENDED ({e.SessionKey}): {e.Reason}, server code '{e.ErrorCode}', user {e.UserId}");

var signedIn = await session.SignInWithPasswordAsync("ada@example.test", "correct horse battery staple");
Say($"Signed in: {signedIn}");

// 2. Call the API across several access-token expiries: the handler refreshes ahead of expiry, once each time.
Say("Calling the API every 0.7 s for 6 s (tokens live 2 s)...");
for (var i = 0; i < 9; i++)
{
    var me = await api.GetFromJsonAsync<Me>("me");
    var current = await session.GetSessionAsync();
    Say($"  GET /api/me -> user {me!.User[..8]}..., session version {current!.Version}, refreshes at server so far: {server.Counters.RefreshRequests}");
    await Task.Delay(700);
}

// 3. A herd: 100 concurrent calls hit an expired token. The single-flight coordinator makes one refresh.
var expiring = await session.GetSessionAsync();
var wait = expiring!.ExpiresAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(100);
if (wait > TimeSpan.Zero)
{
    await Task.Delay(wait);
}

var before = server.Counters.RefreshRequests;
Say("The access token has expired. Firing 100 concurrent calls...");
var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => api.GetAsync($"items/{i}")));
Say($"  {responses.Count(r => r.IsSuccessStatusCode)}/100 succeeded; refreshes the server saw for the herd: {server.Counters.RefreshRequests - before}");
foreach (var response in responses)
{
    response.Dispose();
}

// 4. A second client replays the refresh token from the sign-in, long since rotated away.
Say("A second client (own store, own coordinator) replays the stale refresh token from the sign-in...");
await using var stale = Quickstart.BuildServices(server.AuthUrl, server.ApiUrl);
var staleSession = stale.GetRequiredService<SessionClient>();
staleSession.SessionEnded += (_, e) => Say($"  SESSION ENDED on the second client: {e.Reason}, server code '{e.ErrorCode}'");
await staleSession.SetSessionAsync(signedIn);
var staleApi = stale.GetRequiredService<IHttpClientFactory>().CreateClient("api");
try
{
    await staleApi.GetAsync("me");
}
catch (SessionEndedException ex)
{
    Say($"  the call failed with SessionEndedException: reason {ex.Reason}, user {ex.UserId}");
}

var afterEnd = server.Counters.RefreshRequests;
try
{
    await staleApi.GetAsync("me");
}
catch (SessionEndedException ex)
{
    Say($"  a later call fails fast ({ex.Reason}); token calls since the sign-out: {server.Counters.RefreshRequests - afterEnd}");
}

// 5. Reuse detection revoked the whole family at the server, so the first client ends cleanly at its next refresh.
// (Wait out the reuse interval first: within it GoTrue still honours the token it just revoked, a documented quirk.)
Say("GoTrue revoked the whole token family on reuse. The first client's next refresh...");
await Task.Delay(TimeSpan.FromSeconds(1.2));
try
{
    await session.RefreshAsync();
}
catch (SessionEndedException ex)
{
    Say($"  ended cleanly: {ex.Reason}. The app would now route the user to sign-in.");
}

Say($"Done. Server totals: {server.Counters.RefreshRequests} refresh requests, rejections: " +
    string.Join(", ", server.Counters.Rejections.Select(r => $"{r.Key}={r.Value}")));
return 0;
