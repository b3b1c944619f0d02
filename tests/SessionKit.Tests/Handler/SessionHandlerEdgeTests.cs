// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;
using Microsoft.Extensions.Time.Testing;
using SessionKit.Tests.Support;

namespace SessionKit.Tests.Handler;

/// <summary>Edge cases of <see cref="SessionHandler"/>: odd expiries, reused requests, races with sign-out and sign-in, re-entrant events.</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class SessionHandlerEdgeTests
{
    private const string Key = "default";
    private static readonly Uri Api = new("https://api.example.test/");
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task SendAsync_SessionExpiresAtMinValue_RefreshesAndSendsTheNewToken()
    {
        var (client, store, refresher, api, _) = CreateSut();
        await store.SetAsync(Key, new Session { AccessToken = TestJwt.Create(), RefreshToken = "current00001", ExpiresAt = DateTimeOffset.MinValue }, CancellationToken.None);

        using var response = await client.GetAsync(new Uri(Api, "me"));

        var stored = await store.GetAsync(Key, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(refresher.Calls, Is.EqualTo(1));
            Assert.That(api.Sent.Single().Authorization, Is.EqualTo("Bearer " + stored!.AccessToken));
        });
    }

    [Test]
    public async Task SendAsync_RequestReusedForOtherOriginByOuterHandler_OwnTokenNotSentThere()
    {
        var api = new ScriptedHandler((request, call) => request.RequestUri!.Host == Api.Host
            ? new HttpResponseMessage(HttpStatusCode.Found) { Headers = { Location = new Uri("https://elsewhere.example.test/collect") } }
            : new HttpResponseMessage(HttpStatusCode.OK));
        var (_, store, _, _, handler) = CreateSut(api, o => o.FollowRedirects = false);
        await store.SetAsync(Key, Valid(TestJwt.Create()), CancellationToken.None);
        using var client = new HttpClient(new ReusingRedirectHandler { InnerHandler = handler });

        using var response = await client.GetAsync(new Uri(Api, "me"));

        var sent = api.Sent;
        Assert.Multiple(() =>
        {
            Assert.That(sent, Has.Count.EqualTo(2));
            Assert.That(sent[0].Authorization, Does.StartWith("Bearer "));
            Assert.That(sent[1].Uri.Host, Is.EqualTo("elsewhere.example.test"));
            Assert.That(sent[1].Authorization, Is.Null, "SessionKit's token must never reach an origin that is not allowed");
        });
    }

    [Test]
    public async Task SendAsync_SignedOutWhileRefreshAfter401InFlight_StaysSignedOutAndNoRetry()
    {
        var refresher = new FakeRefresher();
        var api = new ScriptedHandler((_, _) => new HttpResponseMessage(HttpStatusCode.Unauthorized));
        var (client, store, _, _, _) = CreateSut(api, refresher: refresher);
        var coordinator = Coordinator!;
        await store.SetAsync(Key, Valid(TestJwt.Create()), CancellationToken.None);
        var ends = new List<SessionEndReason>();
        coordinator.SessionEnded += (_, e) => ends.Add(e.End.Reason);
        refresher.CloseGate();

        var sending = client.GetAsync(new Uri(Api, "me"));
        await refresher.Arrived;
        await new SessionClient(coordinator).SignOutAsync();
        refresher.OpenGate();

        var ex = Assert.ThrowsAsync<SessionEndedException>(async () => await sending);
        Assert.Multiple(async () =>
        {
            Assert.That(ex!.Reason, Is.EqualTo(SessionEndReason.SignedOut));
            Assert.That(await store.GetAsync(Key, CancellationToken.None), Is.Null, "the refresh must not resurrect a signed-out session");
            Assert.That(ends, Is.EqualTo(new[] { SessionEndReason.SignedOut }));
            Assert.That(api.Sent, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task SendAsync_SignedInAgainWhileRejectedRefreshInFlight_NewSessionKeptAndUsed()
    {
        var refresher = new FakeRefresher((_, _) => RefreshOutcome.Rejected(SessionEndReason.RefreshTokenAlreadyUsed, "refresh_token_already_used", 400, "Invalid Refresh Token: Already Used"));
        var calls = 0;
        var api = new ScriptedHandler((_, _) => Interlocked.Increment(ref calls) == 1 ? new HttpResponseMessage(HttpStatusCode.Unauthorized) : new HttpResponseMessage(HttpStatusCode.OK));
        var (client, store, _, _, _) = CreateSut(api, refresher: refresher);
        var coordinator = Coordinator!;
        await store.SetAsync(Key, Valid(TestJwt.Create()), CancellationToken.None);
        var ends = 0;
        coordinator.SessionEnded += (_, _) => Interlocked.Increment(ref ends);
        refresher.CloseGate();

        var sending = client.GetAsync(new Uri(Api, "me"));
        await refresher.Arrived;
        var signedIn = new Session { AccessToken = TestJwt.Create(), RefreshToken = "signin000002", ExpiresAt = Now.AddHours(1), IssuedAt = Now };
        await new SessionClient(coordinator).SetSessionAsync(signedIn);
        refresher.OpenGate();
        using var response = await sending;

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await store.GetAsync(Key, CancellationToken.None), Is.SameAs(signedIn));
            Assert.That(ends, Is.Zero);
            Assert.That(api.Sent[1].Authorization, Is.EqualTo("Bearer " + signedIn.AccessToken));
        });
    }

    [Test]
    public async Task SendAsync_SessionRefreshedHandlerSendsThroughSameClient_NoDeadlock()
    {
        var (client, store, refresher, api, _) = CreateSut();
        var coordinator = Coordinator!;
        await store.SetAsync(Key, new Session { AccessToken = TestJwt.Create(), RefreshToken = "current00001", ExpiresAt = Now.AddSeconds(5), IssuedAt = Now.AddHours(-1) }, CancellationToken.None);
        HttpStatusCode? inner = null;
        coordinator.SessionRefreshed += (_, _) =>
        {
            using var r = client.GetAsync(new Uri(Api, "inner")).GetAwaiter().GetResult();
            inner = r.StatusCode;
        };

        using var response = await client.GetAsync(new Uri(Api, "me"));

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(inner, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(refresher.Calls, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task SendAsync_ClockSteppedForwardPastExpiryAfterRefresh_RefreshesOnceNotInALoop()
    {
        var (client, store, refresher, api, _) = CreateSut();
        await store.SetAsync(Key, Valid(TestJwt.Create()), CancellationToken.None);
        Time!.Advance(TimeSpan.FromHours(5));

        for (var i = 0; i < 5; i++)
        {
            using var response = await client.GetAsync(new Uri(Api, "me"));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        Assert.That(refresher.Calls, Is.EqualTo(1));
    }

    private FakeTimeProvider? Time { get; set; }

    private RefreshCoordinator? Coordinator { get; set; }

    private static Session Valid(string accessToken) => new() { AccessToken = accessToken, RefreshToken = "current00001", ExpiresAt = Now.AddHours(1), IssuedAt = Now };

    private (HttpClient Client, InMemoryTokenStore Store, FakeRefresher Refresher, ScriptedHandler Api, SessionHandler Handler) CreateSut(
        ScriptedHandler? api = null, Action<SessionHandlerOptions>? configure = null, FakeRefresher? refresher = null)
    {
        Time = new FakeTimeProvider(Now);
        var store = new InMemoryTokenStore();
        refresher ??= new FakeRefresher((s, _) => RefreshOutcome.Succeeded(new Session { AccessToken = TestJwt.Create(), RefreshToken = "rt-" + Guid.NewGuid().ToString("N")[..12], ExpiresAt = Time.GetUtcNow().AddHours(1), IssuedAt = Time.GetUtcNow() }));
        Coordinator = new RefreshCoordinator(store, refresher, new RefreshOptions { RetryBaseDelay = TimeSpan.Zero }, Time);
        api ??= new ScriptedHandler((_, _) => new HttpResponseMessage(HttpStatusCode.OK));
        var options = new SessionHandlerOptions();
        options.AllowedOrigins.Add(Api);
        configure?.Invoke(options);
        var handler = new SessionHandler(Coordinator, options, Time) { InnerHandler = api };
        return (new HttpClient(handler, disposeHandler: false), store, refresher, api, handler);
    }

    /// <summary>An outer handler that follows redirects by sending the same message again with a new URI, as some libraries do.</summary>
    private sealed class ReusingRedirectHandler : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.Found && response.Headers.Location is { } location)
            {
                response.Dispose();
                request.RequestUri = location;
                response = await base.SendAsync(request, cancellationToken);
            }

            return response;
        }
    }
}
