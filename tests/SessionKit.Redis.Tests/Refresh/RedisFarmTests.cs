// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Globalization;
using SessionKit.Redis.Tests.Support;
using SessionKit.Testing;

namespace SessionKit.Redis.Tests.Refresh;

/// <summary>A web farm: app instances as separate OS processes sharing one real Redis, against the GoTrue test server.</summary>
[TestFixture]
[Category("Redis")]
[Category("Processes")]
[NonParallelizable]
[CancelAfter(150_000)]
public sealed class RedisFarmTests : RedisTestBase
{
    private const string KeyPrefix = "sessionkit:";

    [SetUp]
    public void WorkerBuilt() =>
        Assert.That(File.Exists(WorkerProcess.DllPath), Is.True, "the worker is built with the tests: " + WorkerProcess.DllPath);

    [Test]
    public async Task FourInstances_TwoHundredUsers_OneRefreshPerUserPerRotationNoReuseNoSignOutNo401()
    {
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("SESSIONKIT_FARM_SECONDS"), out var s) ? s : 30;
        const int Users = 200;
        await using var server = await GoTrueTestServer.StartAsync(new GoTrueTestServerOptions { AccessTokenLifetime = TimeSpan.FromSeconds(2) });
        var store = await CreateStoreAsync(o => o.KeyPrefix = KeyPrefix);
        await store.RemoveAsync("probe", CancellationToken.None);
        var sessionIds = new string[Users];
        for (var u = 0; u < Users; u++)
        {
            server.AddUser($"u{u}@example.test", "pw");
            var issued = server.IssueSession($"u{u}@example.test");
            sessionIds[u] = issued.SessionId;
            await store.SetAsync("u" + u, Sessions.From(issued, DateTimeOffset.UtcNow.AddSeconds(2)), CancellationToken.None);
        }

        // Workers need a few seconds to start: the clock starts when they all could have.
        var deadline = DateTimeOffset.UtcNow.AddSeconds(seconds + 3).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var workers = Enumerable.Range(0, 4)
            .Select(_ => WorkerProcess.Start("farm", Redis.Configuration, Keys.FullName, server.AuthUrl.ToString(), server.ApiUrl.ToString(), Users.ToString(CultureInfo.InvariantCulture), deadline))
            .ToArray();
        var results = await Task.WhenAll(workers.Select(WorkerProcess.FinishAsync));

        long rotations = 0;
        var stale = 0;
        for (var u = 0; u < Users; u++)
        {
            var final = await store.GetAsync("u" + u, CancellationToken.None);
            rotations += final?.Version ?? 0;
            stale += final?.RefreshToken == server.ActiveRefreshToken(sessionIds[u]) ? 0 : 1;
        }

        var outcomes = results.SelectMany(r => r.Report?.GetProperty("outcomes").EnumerateObject().Select(o => (o.Name, Count: o.Value.GetInt32())) ?? [])
            .GroupBy(o => o.Name).ToDictionary(g => g.Key, g => g.Sum(o => o.Count));
        var ended = results.Sum(r => r.Report?.GetProperty("ended").GetInt32() ?? 0);
        TestContext.Progress.WriteLine(
            $"farm herd: 4 processes x {Users} users, 2-s tokens, {seconds} s: requests {string.Join(", ", outcomes.Select(o => $"{o.Key}={o.Value}"))}; " +
            $"refresh requests {server.Counters.RefreshRequests}, rotations {rotations}, refresh_token_already_used {server.Counters.RejectionsOf("refresh_token_already_used")}, " +
            $"rejections {server.Counters.Rejections.Values.Sum()}, sign-outs {ended}, API 401s {server.Counters.ApiUnauthorized}");

        Assert.Multiple(() =>
        {
            foreach (var (exitCode, report, errors) in results)
            {
                Assert.That(exitCode, Is.Zero, errors);
                Assert.That(report, Is.Not.Null, errors);
            }

            Assert.That(outcomes.Keys, Is.EqualTo(new[] { "200" }), "every request succeeded");
            Assert.That(rotations, Is.GreaterThanOrEqualTo(Users * 2), "every user rotated several times");
            Assert.That(server.Counters.RefreshRequests, Is.EqualTo(rotations), "exactly one refresh per user per rotation, across every instance");
            Assert.That(server.Counters.RejectionsOf("refresh_token_already_used"), Is.Zero);
            Assert.That(server.Counters.Rejections, Is.Empty);
            Assert.That(ended, Is.Zero, "no sign-out");
            Assert.That(server.Counters.ApiUnauthorized, Is.Zero, "no API 401");
            Assert.That(stale, Is.Zero, "every stored session holds the server's active token");
        });
    }

    [Test]
    public async Task InstanceKilledMidRefresh_AnotherTakesLeaseAfterItLapsesAndResendsParent()
    {
        const int LeaseMs = 2000;
        await using var server = await GoTrueTestServer.StartAsync();
        server.AddUser("ada@example.test", "pw");
        var issued = server.IssueSession("ada@example.test");
        var store = await CreateStoreAsync(o => o.KeyPrefix = KeyPrefix);
        await store.SetAsync("k", Sessions.From(issued, DateTimeOffset.UtcNow.AddMinutes(-1)), CancellationToken.None);
        var lease = LeaseMs.ToString(CultureInfo.InvariantCulture);

        var (killedExit, _, killedErrors) = await WorkerProcess.FinishAsync(
            WorkerProcess.Start("kill", Redis.Configuration, Keys.FullName, server.AuthUrl.ToString(), server.ApiUrl.ToString(), "k", lease));
        var left = await store.GetAsync("k", CancellationToken.None);
        var lockLeft = await Redis.CommandAsync($"PTTL {KeyPrefix}{{k}}:lock");
        var (exitCode, report, errors) = await WorkerProcess.FinishAsync(
            WorkerProcess.Start("request", Redis.Configuration, Keys.FullName, server.AuthUrl.ToString(), server.ApiUrl.ToString(), "k", lease));
        TestContext.Progress.WriteLine($"killed mid-refresh: lock PTTL after the kill {lockLeft}, next instance's request took {report?.GetProperty("elapsedMs")} ms");

        Assert.Multiple(() =>
        {
            Assert.That(killedExit, Is.Not.Zero.And.Not.EqualTo(3), "the worker was killed after the server rotated: " + killedErrors);
            Assert.That(server.Counters.RefreshSuccesses, Is.EqualTo(2), "the server rotated before the kill, and answered the resend");
            Assert.That(left!.Version, Is.Zero, "the rotated session never reached Redis");
            Assert.That(lockLeft, Does.StartWith(":").And.Not.EqualTo(":-2"), "the dead instance's lease was still held");
            Assert.That(exitCode, Is.Zero, errors);
            Assert.That(report!.Value.GetProperty("outcomes").GetProperty("200").GetInt32(), Is.EqualTo(1));
            Assert.That(report.Value.GetProperty("ended").GetInt32(), Is.Zero);
            Assert.That(report.Value.GetProperty("elapsedMs").GetInt64(), Is.LessThan(LeaseMs + 3000), "the lapse is bounded by the lease");
            Assert.That(server.Counters.Rejections, Is.Empty, "the resend of the parent token was accepted");
            Assert.That(report.Value.GetProperty("version").GetInt64(), Is.EqualTo(1));
            Assert.That(report.Value.GetProperty("refreshToken").GetString(), Is.EqualTo(server.ActiveRefreshToken(issued.SessionId)));
        });
    }
}
