// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;
using Microsoft.Extensions.Time.Testing;
using SessionKit.Tests.Support;

namespace SessionKit.Tests.Handler;

/// <summary>Which 401s and 403s make <see cref="SessionHandler"/> refresh: only those about the token.</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class SessionHandlerChallengeTests
{
    private const string Api = "https://api.example.test";
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task SendAsync_401InsufficientScopeRepeatedly_NeverRefreshes()
    {
        var (client, refresher, inner) = await CreateSutAsync((_, _) =>
            SessionHandlerRedirectTests.Unauthorized("Bearer realm=\"api\", error=\"insufficient_scope\", scope=\"orders:write\""));

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 60; i++)
        {
            using var response = await client.GetAsync("/orders");
            statuses.Add(response.StatusCode);
        }

        Assert.Multiple(() =>
        {
            Assert.That(statuses, Has.All.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(refresher.Calls, Is.Zero);
            Assert.That(inner.Sent, Has.Count.EqualTo(60), "no retries");
        });
    }

    [Test]
    public async Task SendAsync_403_NoRefresh()
    {
        var (client, refresher, _) = await CreateSutAsync((_, _) => new HttpResponseMessage(HttpStatusCode.Forbidden));

        using var response = await client.GetAsync("/admin");

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(refresher.Calls, Is.Zero);
        });
    }

    [TestCase("Bearer error=\"invalid_token\", error_description=\"The access token expired\"")]
    [TestCase("Bearer realm=\"api\"")]
    [TestCase(null)]
    public async Task SendAsync_401AboutTheToken_RefreshesAndRetriesOnce(string? challenge)
    {
        var (client, refresher, inner) = await CreateSutAsync((_, call) => call == 1
            ? SessionHandlerRedirectTests.Unauthorized(challenge)
            : new HttpResponseMessage(HttpStatusCode.OK));

        using var response = await client.GetAsync("/me");

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(refresher.Calls, Is.EqualTo(1));
            Assert.That(inner.Sent, Has.Count.EqualTo(2));
        });
    }

    private static async Task<(HttpClient Client, FakeRefresher Refresher, ScriptedHandler Inner)> CreateSutAsync(Func<HttpRequestMessage, int, HttpResponseMessage> answer)
    {
        var time = new FakeTimeProvider(Now);
        var store = new InMemoryTokenStore();
        var refresher = new FakeRefresher();
        var coordinator = new RefreshCoordinator(store, refresher, new RefreshOptions { RetryBaseDelay = TimeSpan.Zero }, time);
        var options = new SessionHandlerOptions();
        options.AllowedOrigins.Add(new Uri(Api));
        var inner = new ScriptedHandler(answer);
        await store.SetAsync("default", new Session { AccessToken = TestJwt.Create(), RefreshToken = "current00001", ExpiresAt = Now.AddHours(1), IssuedAt = Now }, CancellationToken.None);
        return (new HttpClient(new SessionHandler(coordinator, options, time) { InnerHandler = inner }) { BaseAddress = new Uri(Api) }, refresher, inner);
    }
}
