// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using SessionKit.Redis.Tests.Support;
using SessionKit.Testing;

namespace SessionKit.Redis.Tests.Refresh;

/// <summary>Coordinators on separate instances sharing one Redis, against the GoTrue test server over real HTTP.</summary>
[TestFixture]
[Category("Redis")]
[NonParallelizable]
[CancelAfter(90_000)]
public sealed class RedisCoordinationTests : RedisTestBase
{
    [Test]
    public async Task RefreshAsync_ThreeInstancesSameExpiredSession_OneTokenCallAllAdopt()
    {
        await using var server = await GoTrueTestServer.StartAsync();
        server.AddUser("ada@example.test", "pw");
        var issued = server.IssueSession("ada@example.test");
        var instances = new List<Instance>();
        for (var i = 0; i < 3; i++)
        {
            instances.Add(new Instance(server, await CreateStoreAsync()));
        }

        var expired = Sessions.From(issued, DateTimeOffset.UtcNow.AddMinutes(-1));
        await instances[0].Store.SetAsync("k", expired, CancellationToken.None);

        var results = await Task.WhenAll(instances.SelectMany(i => Enumerable.Range(0, 50).Select(_ => Task.Run(() => i.RequestAsync("k")))));

        Assert.Multiple(() =>
        {
            Assert.That(results.Select(r => r.Status), Is.All.EqualTo(200), string.Join("; ", results.Where(r => r.Error is not null).Select(r => r.Error!.Message).Distinct()));
            Assert.That(server.Counters.RefreshRequests, Is.EqualTo(1), "one refresh across every instance");
            Assert.That(instances.Sum(i => i.Refreshed), Is.EqualTo(1));
            Assert.That(server.Counters.Rejections, Is.Empty);
        });
        instances.ForEach(i => i.Dispose());
    }

    [Test]
    public async Task SessionEnded_RejectedOnOneInstance_EveryInstanceFailsFastAndRaisesOnce()
    {
        await using var server = await GoTrueTestServer.StartAsync();
        server.AddUser("ada@example.test", "pw");
        var issued = server.IssueSession("ada@example.test");
        var a = new Instance(server, await CreateStoreAsync());
        var b = new Instance(server, await CreateStoreAsync());
        await a.Store.SetAsync("k", Sessions.From(issued, DateTimeOffset.UtcNow.AddMinutes(-1)), CancellationToken.None);
        server.DeleteSession(issued.SessionId);

        var first = await a.RequestAsync("k");
        var onB = new List<(int? Status, Exception? Error)>();
        for (var i = 0; i < 3; i++)
        {
            onB.Add(await b.RequestAsync("k"));
            onB.Add(await a.RequestAsync("k"));
        }

        Assert.Multiple(() =>
        {
            Assert.That(first.Error, Is.InstanceOf<SessionEndedException>());
            Assert.That(((SessionEndedException)first.Error!).Reason, Is.EqualTo(SessionEndReason.RefreshTokenNotFound));
            Assert.That(onB.Select(r => r.Error), Is.All.InstanceOf<SessionEndedException>(), "the tombstone is seen by every instance, with its reason");
            Assert.That(onB.Select(r => ((SessionEndedException)r.Error!).Reason), Is.All.EqualTo(SessionEndReason.RefreshTokenNotFound));
            Assert.That(a.Ended, Is.EqualTo(1), "once per coordinator");
            Assert.That(b.Ended, Is.EqualTo(1), "once per coordinator");
            Assert.That(server.Counters.RefreshRequests, Is.EqualTo(1), "the other instance failed fast, without a token call");
        });
        a.Dispose();
        b.Dispose();
    }

    [Test]
    public async Task Refresh_RedisKilledAfterServerRotatedBeforeWrite_TransientErrorThenParentResentAfterRestart()
    {
        await using var server = await GoTrueTestServer.StartAsync();
        server.AddUser("ada@example.test", "pw");
        var issued = server.IssueSession("ada@example.test");
        var seeder = await CreateStoreAsync();
        await seeder.SetAsync("k", Sessions.From(issued, DateTimeOffset.UtcNow.AddMinutes(-1)), CancellationToken.None);
        var store = await CreateStoreAsync(o => o.WriteRetryTimeout = TimeSpan.FromMilliseconds(300));
        var instance = new Instance(server, store, new AfterResponseHandler(() => Redis.KillAsync()));

        var during = await instance.RequestAsync("k");
        await Redis.RestartAsync();
        var after = await RetryUntilAsync(() => instance.RequestAsync("k"), r => r.Status == 200);
        var final = await store.GetAsync("k", CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(during.Error, Is.InstanceOf<TokenStoreException>().With.Property(nameof(TokenStoreException.IsTransient)).True, during.Error?.ToString());
            Assert.That(after.Status, Is.EqualTo(200), after.Error?.ToString());
            Assert.That(instance.Ended, Is.Zero, "nobody signed out");
            Assert.That(server.Counters.Rejections, Is.Empty, "the resent parent token was accepted");
            Assert.That(final!.RefreshToken, Is.EqualTo(server.ActiveRefreshToken(issued.SessionId)));
        });
        instance.Dispose();
    }

    [Test]
    public async Task Refresh_RedisBlipDuringWrite_WriteRetriedAndStoredOnce()
    {
        await using var server = await GoTrueTestServer.StartAsync();
        server.AddUser("ada@example.test", "pw");
        var issued = server.IssueSession("ada@example.test");
        var store = await CreateStoreAsync(o => o.WriteRetryTimeout = TimeSpan.FromSeconds(10));
        await store.SetAsync("k", Sessions.From(issued, DateTimeOffset.UtcNow.AddMinutes(-1)), CancellationToken.None);
        var instance = new Instance(server, store, new AfterResponseHandler(async () =>
        {
            await Redis.KillAsync();
            _ = Task.Delay(500).ContinueWith(_ => Redis.RestartAsync(), TaskScheduler.Default).Unwrap();
        }));

        var result = await instance.RequestAsync("k");
        var final = await store.GetAsync("k", CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(200), result.Error?.ToString());
            Assert.That(server.Counters.RefreshRequests, Is.EqualTo(1));
            Assert.That(final!.Version, Is.EqualTo(1));
            Assert.That(final.RefreshToken, Is.EqualTo(server.ActiveRefreshToken(issued.SessionId)));
        });
        instance.Dispose();
    }

    [Test]
    public async Task Handler_RedisKilledAndRestartedDuringLoad_NoSessionLostNoSignOutTypedTransientErrorsMeanwhile()
    {
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("SESSIONKIT_REDIS_OUTAGE_SECONDS"), out var s) ? s : 8;
        await using var server = await GoTrueTestServer.StartAsync(new GoTrueTestServerOptions { AccessTokenLifetime = TimeSpan.FromSeconds(2) });
        var instances = new[] { new Instance(server, await CreateStoreAsync()), new Instance(server, await CreateStoreAsync()) };
        var users = Enumerable.Range(0, 20).Select(u => "u" + u).ToArray();
        var sessionIds = new Dictionary<string, string>();
        foreach (var user in users)
        {
            server.AddUser(user + "@example.test", "pw");
            var issued = server.IssueSession(user + "@example.test");
            sessionIds[user] = issued.SessionId;
            await instances[0].Store.SetAsync(user, Sessions.From(issued, DateTimeOffset.UtcNow.AddSeconds(2)), CancellationToken.None);
        }

        var outcomes = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var untyped = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        var deadline = DateTimeOffset.UtcNow.AddSeconds(seconds);
        var load = users.SelectMany(u => instances.Select(i => Task.Run(async () =>
        {
            while (DateTimeOffset.UtcNow < deadline)
            {
                var (status, error) = await i.RequestAsync(u);
                var outcome = error switch
                {
                    null => status!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    TokenStoreException { IsTransient: true } => "TokenStoreException(transient)",
                    SessionRefreshException { IsTransient: true } => "SessionRefreshException(transient)",
                    _ => error.GetType().Name,
                };
                if (outcome.StartsWith("Session", StringComparison.Ordinal) && !outcome.Contains("transient", StringComparison.Ordinal))
                {
                    untyped.Add(error!);
                }

                outcomes.AddOrUpdate(outcome, 1, static (_, n) => n + 1);
                await Task.Delay(Random.Shared.Next(10, 60));
            }
        }))).ToArray();

        await Task.Delay(TimeSpan.FromSeconds(seconds / 4.0));
        await Redis.KillAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        await Redis.RestartAsync();
        await Task.WhenAll(load);

        // Recovery: every user's next request on every instance succeeds.
        var recovered = await Task.WhenAll(users.SelectMany(u => instances.Select(i => RetryUntilAsync(() => i.RequestAsync(u), r => r.Status == 200))));
        TestContext.Progress.WriteLine($"redis outage under load: {string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key}={o.Value}"))}; refreshes {server.Counters.RefreshRequests}, rejections {server.Counters.Rejections.Count}, API 401s {server.Counters.ApiUnauthorized}");

        Assert.Multiple(async () =>
        {
            Assert.That(outcomes.Keys, Is.SubsetOf(new[] { "200", "TokenStoreException(transient)", "SessionRefreshException(transient)" }), string.Join("; ", untyped.Select(e => e.Message).Distinct()));
            Assert.That(outcomes.GetValueOrDefault("TokenStoreException(transient)"), Is.GreaterThan(0), "the outage was seen, as a typed transient error");
            Assert.That(recovered.Select(r => r.Status), Is.All.EqualTo(200), "recovered by itself after the restart");
            Assert.That(instances.Sum(i => i.Ended), Is.Zero, "nobody signed out");
            Assert.That(server.Counters.RejectionsOf("refresh_token_already_used"), Is.Zero);
            foreach (var user in users)
            {
                var stored = await instances[1].Store.GetAsync(user, CancellationToken.None);
                Assert.That(stored, Is.Not.Null, "no session lost");
                Assert.That(stored!.RefreshToken, Is.EqualTo(server.ActiveRefreshToken(sessionIds[user])), "every stored session holds the server's active token");
            }
        });
        foreach (var instance in instances)
        {
            instance.Dispose();
        }
    }

    private static async Task<T> RetryUntilAsync<T>(Func<Task<T>> action, Func<T, bool> done)
    {
        var started = DateTimeOffset.UtcNow;
        while (true)
        {
            var result = await action();
            if (done(result) || DateTimeOffset.UtcNow - started > TimeSpan.FromSeconds(15))
            {
                return result;
            }

            await Task.Delay(100);
        }
    }
}
