// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;
using Microsoft.Extensions.Time.Testing;
using RichardSzalay.MockHttp;
using SessionKit.Testing;
using SessionKit.Tests.Support;

namespace SessionKit.Tests.Resilience;

/// <summary>Refresh storms are bounded: by the circuit breaker when the server fails, by the storm guard when the API or app loops.</summary>
[TestFixture]
[CancelAfter(120_000)]
public sealed class RefreshStormTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    [TestCase(10)]
    [TestCase(100)]
    public async Task SendAsync_ServerAnswers503Forever_BoundedRefreshCallsPerMinuteWhateverTheRate(int requestsPerSecond)
    {
        await using var server = await GoTrueTestServer.StartAsync();
        server.AddUser("ada@example.test", "pw");
        server.SetRandomFaults(1.0, [TokenEndpointFault.Status(503)]);
        var time = new FakeTimeProvider(Start);
        using var sut = new Harness(server, timeProvider: time, refreshOptions: new RefreshOptions { RetryBaseDelay = TimeSpan.Zero });
        var issued = server.IssueSession("ada@example.test");
        await sut.Client.SetSessionAsync(new Session { AccessToken = issued.AccessToken, RefreshToken = issued.RefreshToken, ExpiresAt = Start });
        var perMinute = new List<long>();
        var failures = new Dictionary<string, int>();
        var step = TimeSpan.FromSeconds(1.0 / requestsPerSecond);
        SessionRefreshException? whileOpen = null;

        for (var minute = 0; minute < 3; minute++)
        {
            var before = server.Counters.RefreshRequests;
            for (var i = 0; i < requestsPerSecond * 60; i++)
            {
                try
                {
                    (await sut.Api.GetAsync("me")).Dispose();
                    failures["none"] = failures.GetValueOrDefault("none") + 1;
                }
                catch (SessionKitException ex)
                {
                    failures[ex.GetType().Name] = failures.GetValueOrDefault(ex.GetType().Name) + 1;
                    if (ex is SessionRefreshException { RetryAfter: not null } open)
                    {
                        whileOpen = open;
                    }
                }

                time.Advance(step);
            }

            perMinute.Add(server.Counters.RefreshRequests - before);
        }

        TestContext.Out.WriteLine($"{requestsPerSecond} req/s: refresh calls per minute {string.Join(", ", perMinute)}; outcomes {string.Join(", ", failures)}");
        Assert.Multiple(async () =>
        {
            Assert.That(perMinute, Has.All.LessThanOrEqualTo(10), "the token endpoint is shielded from the request rate");
            Assert.That(failures.Keys, Is.EquivalentTo(new[] { nameof(SessionRefreshException) }), "every caller gets the typed failure; nobody is signed out");
            Assert.That(whileOpen!.IsTransient, Is.True);
            Assert.That(whileOpen.Message, Does.Contain("paused"));
            Assert.That(Session.SameTokens(await sut.Store.GetAsync("default", CancellationToken.None), await sut.Client.GetSessionAsync()), Is.True);
            Assert.That((await sut.Client.GetSessionAsync())!.RefreshToken, Is.EqualTo(issued.RefreshToken), "the session is kept");
        });
    }

    [Test]
    public async Task RefreshAsync_ForcedInALoop_OneCallPerMinimumInterval()
    {
        var time = new FakeTimeProvider(Start);
        var refresher = new FakeRefresher((s, _) => RefreshOutcome.Succeeded(new Session
        {
            AccessToken = TestJwt.Create(),
            RefreshToken = "rt-" + Guid.NewGuid().ToString("N")[..8],
            ExpiresAt = time.GetUtcNow().AddHours(1),
            IssuedAt = time.GetUtcNow(),
        }));
        var store = new InMemoryTokenStore();
        using var sut = new RefreshCoordinator(store, refresher, new RefreshOptions(), time);
        await store.SetAsync("default", new Session { AccessToken = TestJwt.Create(), RefreshToken = "rt-0", ExpiresAt = Start.AddHours(1), IssuedAt = Start }, CancellationToken.None);

        for (var i = 0; i < 1000; i++)
        {
            await sut.RefreshAsync("default", null, CancellationToken.None);
        }

        var afterLoop = refresher.Calls;
        time.Advance(TimeSpan.FromSeconds(2));
        await sut.RefreshAsync("default", null, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(afterLoop, Is.EqualTo(1));
            Assert.That(refresher.Calls, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task SendAsync_ApiRejectsEveryToken_OneRefreshNotOnePerRequest()
    {
        var time = new FakeTimeProvider(Start);
        using var api = new MockHttpMessageHandler();
        var calls = api.When("https://api.example.test/*").Respond(HttpStatusCode.Unauthorized);
        using var auth = new MockHttpMessageHandler();
        var refresh = auth.When(HttpMethod.Post, "https://auth.example.test/auth/v1/token").Respond(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(TestJwt.TokenBody(TestJwt.Create(), "rt-" + Guid.NewGuid().ToString("N")[..8])) });
        var store = new InMemoryTokenStore();
        var coordinator = new RefreshCoordinator(store, new GoTrueTokenClient(auth.ToHttpClient(), new GoTrueOptions { AuthUrl = new Uri("https://auth.example.test/auth/v1") }, time), timeProvider: time);
        var options = new SessionHandlerOptions();
        options.AllowedOrigins.Add(new Uri("https://api.example.test"));
        using var client = new HttpClient(new SessionHandler(coordinator, options, time) { InnerHandler = api });
        await store.SetAsync("default", new Session { AccessToken = TestJwt.Create(), RefreshToken = "rt-0", ExpiresAt = Start.AddHours(1), IssuedAt = Start }, CancellationToken.None);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 100; i++)
        {
            using var response = await client.GetAsync("https://api.example.test/me");
            statuses.Add(response.StatusCode);
        }

        Assert.Multiple(() =>
        {
            Assert.That(statuses, Has.All.EqualTo(HttpStatusCode.Unauthorized), "the 401s reach the caller");
            Assert.That(auth.GetMatchCount(refresh), Is.EqualTo(1));
            Assert.That(api.GetMatchCount(calls), Is.EqualTo(101), "one retry after the one refresh, then no retries");
        });
    }
}
