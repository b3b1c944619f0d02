// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using SessionKit.Testing;
using SessionKit.Tests.Support;

namespace SessionKit.Tests.Stores;

/// <summary>Several OS processes on one <see cref="FileTokenStore"/>, and processes killed (SIGKILL) in the middle of a refresh.</summary>
[TestFixture]
[Category("Processes")]
[NonParallelizable]
[CancelAfter(120_000)]
public sealed class FileTokenStoreProcessTests
{
    private DirectoryInfo _dir = null!;
    private string _path = null!;

    [SetUp]
    public void SetUp()
    {
        Assert.That(File.Exists(WorkerProcess.DllPath), Is.True, "the worker is built with the tests: " + WorkerProcess.DllPath);
        _dir = Directory.CreateTempSubdirectory("sessionkit-processes-");
        _path = Path.Combine(_dir.FullName, "sessions.dat");
    }

    [TearDown]
    public void TearDown() => _dir.Delete(recursive: true);

    [Test]
    public async Task EightProcesses_OneSecondTokens_OneRefreshPerRotationNoReuseNoSignOutAllEndOnNewest()
    {
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("SESSIONKIT_PROCESS_SECONDS"), out var s) ? s : 10;
        await using var server = await GoTrueTestServer.StartAsync(new GoTrueTestServerOptions { AccessTokenLifetime = TimeSpan.FromSeconds(1) });
        server.AddUser("ada@example.test", "pw");
        var issued = server.IssueSession("ada@example.test");
        await SeedAsync(issued, DateTimeOffset.UtcNow.AddSeconds(1));
        var deadline = DateTimeOffset.UtcNow.AddSeconds(seconds).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var workers = Enumerable.Range(0, 8).Select(_ => WorkerProcess.Start("run", _path, server.AuthUrl.ToString(), server.ApiUrl.ToString(), deadline)).ToArray();
        var results = await Task.WhenAll(workers.Select(WorkerProcess.FinishAsync));

        using var reader = new FileTokenStore(new FileTokenStoreOptions { Path = _path });
        var final = await reader.GetAsync("default", CancellationToken.None);
        var requests = results.Sum(r => r.Report?.GetProperty("outcomes").EnumerateObject().Sum(o => o.Value.GetInt32()) ?? 0);
        TestContext.Out.WriteLine($"8 processes, {seconds} s: {requests} requests, {server.Counters.RefreshRequests} refresh requests, {final!.Version} rotations, rejections {server.Counters.Rejections.Count}");
        Assert.Multiple(() =>
        {
            foreach (var (exitCode, report, errors) in results)
            {
                Assert.That(exitCode, Is.Zero, errors);
                Assert.That(report!.Value.GetProperty("ended").GetInt32(), Is.Zero, "no process was signed out");
                Assert.That(report.Value.GetProperty("outcomes").EnumerateObject().Select(o => o.Name), Is.EqualTo(new[] { "200" }), report.Value.GetRawText());
                Assert.That(report.Value.GetProperty("version").GetInt64(), Is.EqualTo(final.Version), "every process ends holding the newest session");
            }

            Assert.That(final.Version, Is.GreaterThan(seconds), "the session rotated about twice a second");
            Assert.That(server.Counters.RefreshRequests, Is.EqualTo(final.Version), "exactly one refresh per rotation, across all processes");
            Assert.That(server.Counters.RejectionsOf("refresh_token_already_used"), Is.Zero);
            Assert.That(server.Counters.MaxConcurrentRefreshes, Is.EqualTo(1));
            Assert.That(final.RefreshToken, Is.EqualTo(server.ActiveRefreshToken(issued.SessionId)));
        });
    }

    [TestCase("after-response", 0)]
    [TestCase("temp-written", 0)]
    [TestCase("renamed", 1)]
    public async Task KilledMidRefresh_NextProcessRecoversWithSameTokenNothingLost(string killPoint, long versionLeft)
    {
        await using var server = await GoTrueTestServer.StartAsync();
        server.AddUser("ada@example.test", "pw");
        var issued = server.IssueSession("ada@example.test");
        await SeedAsync(issued, DateTimeOffset.UtcNow.AddMinutes(-1));

        var (killedExit, _, killedErrors) = await WorkerProcess.FinishAsync(WorkerProcess.Start("kill", _path, server.AuthUrl.ToString(), server.ApiUrl.ToString(), killPoint));

        Session? left;
        using (var reader = new FileTokenStore(new FileTokenStoreOptions { Path = _path }))
        {
            left = await reader.GetAsync("default", CancellationToken.None);
        }

        var (exitCode, report, errors) = await WorkerProcess.FinishAsync(WorkerProcess.Start("request", _path, server.AuthUrl.ToString(), server.ApiUrl.ToString()));

        Assert.Multiple(() =>
        {
            Assert.That(killedExit, Is.Not.Zero.And.Not.EqualTo(3), "the worker was killed at the kill point: " + killedErrors);
            Assert.That(server.Counters.RefreshSuccesses, Is.GreaterThanOrEqualTo(1), "the server rotated before the kill");
            Assert.That(left, Is.Not.Null, "the file is readable after the crash");
            Assert.That(left!.Version, Is.EqualTo(versionLeft), "the old file before the rename, the new one after");
            Assert.That(exitCode, Is.Zero, errors);
            Assert.That(report!.Value.GetProperty("outcomes").GetProperty("200").GetInt32(), Is.EqualTo(1));
            Assert.That(report.Value.GetProperty("ended").GetInt32(), Is.Zero);
            Assert.That(server.Counters.Rejections, Is.Empty, "the resend of the same token was accepted");
            Assert.That(report.Value.GetProperty("refreshToken").GetString(), Is.EqualTo(server.ActiveRefreshToken(issued.SessionId)));
        });
    }

    private async Task SeedAsync(IssuedTokens issued, DateTimeOffset expiresAt)
    {
        using var store = new FileTokenStore(new FileTokenStoreOptions { Path = _path });
        await store.SetAsync("default", new Session { AccessToken = issued.AccessToken, RefreshToken = issued.RefreshToken, ExpiresAt = expiresAt, IssuedAt = expiresAt.AddSeconds(-1) }, CancellationToken.None);
    }
}
