// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;
using Microsoft.Extensions.Time.Testing;
using RichardSzalay.MockHttp;
using SessionKit.Tests.Support;

namespace SessionKit.Tests.Refresh;

/// <summary>
/// What the coordinator does after an ambiguous failure (the request may have reached the server and rotated the token) on
/// each server family, against a rotating OAuth 2.0 server double that keeps processing after the client gave up
/// (invariants 1 and 2: never two refresh requests in flight at the server; a token resent only to a server that forgives it).
/// </summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class AmbiguousRefreshTests
{
    private const string Key = "default";
    private static readonly DateTimeOffset Start = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(1);

    [Test]
    public async Task RefreshAsync_StrictServerSlowerThanAttemptTimeout_SendsOnceKeepsSessionAndThrowsTransient()
    {
        var time = new FakeTimeProvider(Start);
        var server = new RotatingOAuth2Server(time, leeway: TimeSpan.Zero);
        var (sut, store) = CreateSut(server, time, RefreshTokenReuse.Strict);
        var seen = await SignInAsync(store);
        server.Hold();

        var call = sut.RefreshAsync(Key, seen, CancellationToken.None);
        await server.WaitForRequestsAsync(1);
        time.Advance(AttemptTimeout);

        // The first request is still being processed: nothing may follow it.
        var first = await Task.WhenAny(call, server.WaitForRequestsAsync(2));
        Assert.That(first, Is.SameAs(call), "a second refresh request was sent while the first was in flight");
        var ex = Assert.ThrowsAsync<SessionRefreshException>(async () => await call);
        server.Release();
        await server.WhenIdleAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(ex!.IsTransient, Is.True);
            Assert.That(ex.Message, Does.Contain("not sent again"));
            Assert.That(server.Requests, Is.EqualTo(1));
            Assert.That(server.MaxInFlight, Is.EqualTo(1));
            Assert.That(server.Revoked, Is.False);
            Assert.That(await store.GetAsync(Key, CancellationToken.None), Is.SameAs(seen), "the session is kept");
        });
    }

    [Test]
    public async Task RefreshAsync_LeewayServerSlowerThanAttemptTimeout_ResendsAfterSettleDelayNeverTwoInFlight()
    {
        var time = new FakeTimeProvider(Start);
        var server = new RotatingOAuth2Server(time, leeway: TimeSpan.FromSeconds(30));
        var (sut, store) = CreateSut(server, time, RefreshTokenReuse.Leeway);
        var seen = await SignInAsync(store);
        server.Hold();

        var call = sut.RefreshAsync(Key, seen, CancellationToken.None);
        await server.WaitForRequestsAsync(1);
        time.Advance(AttemptTimeout);
        var second = server.WaitForRequestsAsync(2);
        var early = await Task.WhenAny(second, Task.Delay(300));
        Assert.That(early, Is.Not.SameAs(second), "resent while the first request was in flight");

        // The slow server commits the rotation 1.5 s after the request, after the client gave up.
        time.Advance(TimeSpan.FromMilliseconds(500));
        server.Release();
        await server.WhenIdleAsync();
        await AdvanceUntilAsync(time, server.WaitForRequestsAsync(2));
        var result = await call;

        Assert.Multiple(async () =>
        {
            Assert.That(server.Requests, Is.EqualTo(2));
            Assert.That(server.MaxInFlight, Is.EqualTo(1), "never two refresh requests in flight at the server");
            Assert.That(server.Revoked, Is.False);
            Assert.That(result.RefreshToken, Is.EqualTo(server.ActiveRefreshToken));
            Assert.That(await store.GetAsync(Key, CancellationToken.None), Is.SameAs(result));
        });
    }

    [Test]
    public async Task RefreshAsync_LeewayShorterThanSettleDelay_NotResent()
    {
        var time = new FakeTimeProvider(Start);
        var server = new RotatingOAuth2Server(time, leeway: TimeSpan.FromSeconds(1));
        var (sut, store) = CreateSut(server, time, RefreshTokenReuse.Leeway, leeway: TimeSpan.FromSeconds(1));
        var seen = await SignInAsync(store);
        server.Hold();

        var call = sut.RefreshAsync(Key, seen, CancellationToken.None);
        await server.WaitForRequestsAsync(1);
        time.Advance(AttemptTimeout);

        Assert.ThrowsAsync<SessionRefreshException>(async () => await call);
        server.Release();
        await server.WhenIdleAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(server.Requests, Is.EqualTo(1));
            Assert.That(await store.GetAsync(Key, CancellationToken.None), Is.SameAs(seen));
        });
    }

    [Test]
    public async Task RefreshAsync_StrictServerAnswer200WithoutReadableRefreshToken_NotResent()
    {
        var time = new FakeTimeProvider(Start);
        var server = new RotatingOAuth2Server(time, leeway: TimeSpan.Zero) { SuccessBody = static _ => """{"access_token":"at-1","refresh_token":""" };
        var (sut, store) = CreateSut(server, time, RefreshTokenReuse.Strict);
        var seen = await SignInAsync(store);

        var ex = Assert.ThrowsAsync<SessionRefreshException>(() => sut.RefreshAsync(Key, seen, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.IsTransient, Is.True);
            Assert.That(server.Requests, Is.EqualTo(1));
            Assert.That(server.Revoked, Is.False);
        });
    }

    [Test]
    public async Task RefreshAsync_StrictServerConnectionRefused_RetriedWithTheSameToken()
    {
        var time = new FakeTimeProvider(Start);
        var calls = 0;
        var server = new RotatingOAuth2Server(time, leeway: TimeSpan.Zero);
        using var refusing = new RefuseFirst(server, () => ++calls == 1);
        var client = new OAuth2TokenClient(new HttpClient(refusing), Options(RefreshTokenReuse.Strict, TimeSpan.FromSeconds(30)), time);
        var store = new InMemoryTokenStore();
        var sut = new RefreshCoordinator(store, client, new RefreshOptions { AttemptTimeout = AttemptTimeout, RetryBaseDelay = TimeSpan.Zero, CircuitBreakerEnabled = false }, time);
        var seen = await SignInAsync(store);

        var result = await sut.RefreshAsync(Key, seen, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(calls, Is.EqualTo(2), "nothing was sent the first time: resending is safe");
            Assert.That(server.Requests, Is.EqualTo(1));
            Assert.That(result.RefreshToken, Is.EqualTo(server.ActiveRefreshToken));
        });
    }

    [Test]
    public async Task RefreshAsync_GoTrueAttemptTimesOut_ResendsWithoutSettleDelay()
    {
        var time = new FakeTimeProvider(Start);
        var refresher = new FakeRefresher { RefreshTokenReuseWindow = Timeout.InfiniteTimeSpan };
        refresher.CloseGate();
        var store = new InMemoryTokenStore();
        var sut = new RefreshCoordinator(store, refresher, new RefreshOptions { AttemptTimeout = AttemptTimeout, RetryBaseDelay = TimeSpan.Zero, SettleDelay = TimeSpan.FromMinutes(5) }, time);
        var seen = await SignInAsync(store);

        var call = sut.RefreshAsync(Key, seen, CancellationToken.None);
        await refresher.Arrived;
        refresher.CloseGate();
        time.Advance(AttemptTimeout);
        await refresher.Arrived;
        refresher.OpenGate();
        await call;

        Assert.That(refresher.SentTokens, Is.EqualTo(new[] { seen.RefreshToken, seen.RefreshToken }));
    }

    private static async Task AdvanceUntilAsync(FakeTimeProvider time, Task condition)
    {
        for (var i = 0; i < 200 && !condition.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.WhenAny(condition, Task.Delay(10));
        }

        await condition;
    }

    private static OAuth2Options Options(RefreshTokenReuse reuse, TimeSpan leeway) => new()
    {
        TokenEndpoint = RotatingOAuth2Server.TokenEndpoint,
        ClientId = "app",
        RefreshTokenReuse = reuse,
        RefreshTokenReuseLeeway = leeway,
    };

    private static (RefreshCoordinator Sut, ITokenStore Store) CreateSut(RotatingOAuth2Server server, FakeTimeProvider time, RefreshTokenReuse reuse, TimeSpan? leeway = null)
    {
        var client = new OAuth2TokenClient(new HttpClient(server), Options(reuse, leeway ?? TimeSpan.FromSeconds(30)), time);
        var store = new InMemoryTokenStore();
        var options = new RefreshOptions { AttemptTimeout = AttemptTimeout, RetryBaseDelay = TimeSpan.Zero, CircuitBreakerEnabled = false };
        return (new RefreshCoordinator(store, client, options, time), store);
    }

    private static async Task<Session> SignInAsync(ITokenStore store)
    {
        var session = new Session { AccessToken = "at-initial", RefreshToken = "rt-0", ExpiresAt = Start.AddMinutes(1), IssuedAt = Start.AddMinutes(-59) };
        await store.SetAsync(Key, session, CancellationToken.None);
        return session;
    }

    /// <summary>Refuses the connection (nothing sent) while <c>refuse</c> says so, else passes the request on.</summary>
    private sealed class RefuseFirst(HttpMessageHandler inner, Func<bool> refuse) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            refuse()
                ? Task.FromException<HttpResponseMessage>(new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused"))
                : base.SendAsync(request, cancellationToken);
    }
}
