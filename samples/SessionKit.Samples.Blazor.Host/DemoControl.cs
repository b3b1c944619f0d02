// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;
using SessionKit.Testing;

namespace SessionKit.Samples.Blazor.Host;

/// <summary>
/// Test endpoints under <c>/_demo/</c>, on with <c>--demo-control</c> and answering loopback callers only: the token server's
/// counters (since the last reset), a delay fault for the next refresh, and a reset.
/// </summary>
internal static class DemoControl
{
    public static void Map(WebApplication app, GoTrueTestServer server)
    {
        var baseline = new Snapshot(server.Counters);
        var group = app.MapGroup("/_demo").AddEndpointFilter(async (context, next) =>
            context.HttpContext.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote)
                ? await next(context)
                : Results.NotFound());

        // Counters since the last reset; refreshesInFlight is a level, not a count.
        group.MapGet("/counters", () =>
        {
            var now = new Snapshot(server.Counters);
            var since = Volatile.Read(ref baseline);
            return Results.Json(new
            {
                refreshRequests = now.RefreshRequests - since.RefreshRequests,
                refreshSuccesses = now.RefreshSuccesses - since.RefreshSuccesses,
                refreshTokenAlreadyUsed = now.Rejections("refresh_token_already_used") - since.Rejections("refresh_token_already_used"),
                rejections = now.AllRejections.ToDictionary(r => r.Key, r => r.Value - since.Rejections(r.Key)),
                passwordGrants = now.PasswordGrants - since.PasswordGrants,
                logouts = now.Logouts - since.Logouts,
                apiRequests = now.ApiRequests - since.ApiRequests,
                apiUnauthorized = now.ApiUnauthorized - since.ApiUnauthorized,
                faultsApplied = now.FaultsApplied - since.FaultsApplied,
                refreshesInFlight = server.Counters.RefreshesInFlight,
            });
        });

        group.MapPost("/reset", () =>
        {
            server.ClearFaults();
            Volatile.Write(ref baseline, new Snapshot(server.Counters));
            return Results.NoContent();
        });

        // The next refresh waits this long before the server processes it; with afterRotating=true the server rotates at once
        // and holds the answer instead (a client that leaves meanwhile never gets the rotated token).
        group.MapPost("/faults/delay", (int ms, bool? afterRotating) =>
        {
            var delay = TimeSpan.FromMilliseconds(ms);
            server.EnqueueRefreshFault(afterRotating == true ? TokenEndpointFault.DelayedAnswer(delay) : TokenEndpointFault.Delayed(delay));
            return Results.NoContent();
        });
    }

    private sealed class Snapshot(GoTrueTestServerCounters counters)
    {
        public long RefreshRequests { get; } = counters.RefreshRequests;

        public long RefreshSuccesses { get; } = counters.RefreshSuccesses;

        public long PasswordGrants { get; } = counters.PasswordGrants;

        public long Logouts { get; } = counters.Logouts;

        public long ApiRequests { get; } = counters.ApiRequests;

        public long ApiUnauthorized { get; } = counters.ApiUnauthorized;

        public long FaultsApplied { get; } = counters.FaultsApplied;

        public IReadOnlyDictionary<string, long> AllRejections { get; } = counters.Rejections;

        public long Rejections(string code) => AllRejections.TryGetValue(code, out var n) ? n : 0;
    }
}
