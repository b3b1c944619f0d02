// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;
using Microsoft.Extensions.Time.Testing;
using RichardSzalay.MockHttp;
using SessionKit.Tests.Support;

namespace SessionKit.Tests.Refresh;

/// <summary>
/// The coordinator's storm guard (measured by the monotonic clock), forced refreshes, odd success answers stored first, and
/// server text redacted before it is capped.
/// </summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class RefreshGuardTests
{
    private const string Key = "default";
    private const string TokenUrl = "https://login.example.test/connect/token";
    private static readonly DateTimeOffset Start = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task RefreshAsync_WallClockSteppedBackAfterRefresh_GuardEndsAfterTheIntervalOfRealTime()
    {
        var clock = new SteppableClock(new FakeTimeProvider(Start));
        var refresher = new FakeRefresher((s, _) => RefreshOutcome.Succeeded(new Session
        {
            AccessToken = TestJwt.Create(),
            RefreshToken = "rt-" + Guid.NewGuid().ToString("N")[..12],
            IssuedAt = clock.GetUtcNow(),
            ExpiresAt = clock.GetUtcNow().AddHours(1),
        }));
        var store = new InMemoryTokenStore();
        var sut = new RefreshCoordinator(store, refresher, new RefreshOptions { RetryBaseDelay = TimeSpan.Zero }, clock);
        var seen = await SignInAsync(store, clock.GetUtcNow());
        var first = await sut.RefreshAsync(Key, seen, CancellationToken.None);
        clock.StepWallClock(TimeSpan.FromHours(-2));

        clock.Advance(TimeSpan.FromMilliseconds(500));
        var held = await sut.RefreshAsync(Key, first, CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(3));
        var later = await sut.RefreshAsync(Key, first, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(held, Is.SameAs(first), "inside the interval the guard holds, whatever the wall clock did");
            Assert.That(later.Version, Is.EqualTo(2), "after the interval of real time, a 401 refreshes again");
            Assert.That(refresher.Calls, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task RefreshAsync_StoredByAnotherHolderIssuedInTheFuture_NotHeldBack()
    {
        var time = new FakeTimeProvider(Start);
        var refresher = new FakeRefresher();
        var store = new InMemoryTokenStore();
        var sut = new RefreshCoordinator(store, refresher, new RefreshOptions { RetryBaseDelay = TimeSpan.Zero }, time);
        var future = new Session { AccessToken = TestJwt.Create(), RefreshToken = "rt-other", ExpiresAt = Start.AddHours(3), IssuedAt = Start.AddHours(2), Version = 4 };
        await store.SetAsync(Key, future, CancellationToken.None);

        var result = await sut.RefreshAsync(Key, future, CancellationToken.None);

        Assert.That(result.Version, Is.EqualTo(5));
    }

    [Test]
    public async Task SessionClientRefreshAsync_RightAfterARefresh_RefreshesAgain()
    {
        var time = new FakeTimeProvider(Start);
        var refresher = new FakeRefresher();
        var store = new InMemoryTokenStore();
        var coordinator = new RefreshCoordinator(store, refresher, new RefreshOptions { RetryBaseDelay = TimeSpan.Zero }, time);
        var sut = new SessionClient(coordinator);
        await SignInAsync(store, Start);

        var first = await sut.RefreshAsync();
        var second = await sut.RefreshAsync();

        Assert.Multiple(() =>
        {
            Assert.That(first.Version, Is.EqualTo(1));
            Assert.That(second.Version, Is.EqualTo(2), "an explicit refresh is not held back by the storm guard");
            Assert.That(refresher.SentTokens, Is.Unique);
        });
    }

    [Test]
    public async Task SessionClientRefreshAsync_FlightInProgress_JoinsIt()
    {
        var refresher = new FakeRefresher();
        refresher.CloseGate();
        var store = new InMemoryTokenStore();
        var coordinator = new RefreshCoordinator(store, refresher, new RefreshOptions { RetryBaseDelay = TimeSpan.Zero }, new FakeTimeProvider(Start));
        var sut = new SessionClient(coordinator);
        var seen = await SignInAsync(store, Start);

        var handlerRefresh = coordinator.RefreshAsync(Key, seen, CancellationToken.None);
        await refresher.Arrived;
        var forced = sut.RefreshAsync();
        refresher.OpenGate();

        Assert.Multiple(async () =>
        {
            Assert.That(await forced, Is.SameAs(await handlerRefresh));
            Assert.That(refresher.Calls, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task RefreshAsync_HandlerRefreshRightAfterARefresh_StillGuarded()
    {
        var refresher = new FakeRefresher();
        var store = new InMemoryTokenStore();
        var sut = new RefreshCoordinator(store, refresher, new RefreshOptions { RetryBaseDelay = TimeSpan.Zero }, new FakeTimeProvider(Start));
        var seen = await SignInAsync(store, Start);

        var first = await sut.RefreshAsync(Key, seen, CancellationToken.None);
        var again = await sut.RefreshAsync(Key, first, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(again, Is.SameAs(first));
            Assert.That(refresher.Calls, Is.EqualTo(1));
        });
    }

    [TestCase("0")]
    [TestCase("-1")]
    [TestCase("315576000")]
    public async Task RefreshAsync_SuccessWithOddExpiryOnStrictServer_StoresRotatedTokenAndNeverReplaysTheOldOne(string expiresIn)
    {
        var time = new FakeTimeProvider(Start);
        var server = new RotatingOAuth2Server(time, TimeSpan.Zero, initialRefreshToken: "rt-initial")
        {
            SuccessBody = rt => $$"""{"access_token":"opaque-{{rt}}","token_type":"Bearer","expires_in":{{expiresIn}},"refresh_token":"{{rt}}"}""",
        };
        var (sut, store) = CreateOAuth2Sut(server, time);
        var seen = await SignInAsync(store, Start);

        var result = await sut.RefreshAsync(Key, seen, CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(server.Requests, Is.EqualTo(1));
            Assert.That(server.Revoked, Is.False);
            Assert.That(result.RefreshToken, Is.EqualTo(server.ActiveRefreshToken));
            Assert.That(await store.GetAsync(Key, CancellationToken.None), Is.SameAs(result));
        });
    }

    [Test]
    public async Task RefreshAsync_SessionIssuedExpiringNow_GuardHoldsItForTheIntervalNoLoop()
    {
        var time = new FakeTimeProvider(Start);
        var server = new RotatingOAuth2Server(time, TimeSpan.Zero, initialRefreshToken: "rt-initial")
        {
            SuccessBody = rt => $$"""{"access_token":"opaque-{{rt}}","token_type":"Bearer","expires_in":0,"refresh_token":"{{rt}}"}""",
        };
        var (sut, store) = CreateOAuth2Sut(server, time);
        var seen = await SignInAsync(store, Start);
        var first = await sut.RefreshAsync(Key, seen, CancellationToken.None);

        // Every request now finds the access token expiring and asks for a refresh: the guard must hold it.
        for (var i = 0; i < 20; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(50));
            Assert.That(await sut.RefreshAsync(Key, first, CancellationToken.None), Is.SameAs(first));
        }

        time.Advance(TimeSpan.FromSeconds(2));
        var next = await sut.RefreshAsync(Key, first, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(first.ExpiresAt, Is.EqualTo(Start), "expires_in 0 with an opaque token: expiring now");
            Assert.That(server.Requests, Is.EqualTo(2), "one refresh per interval, not one per request");
            Assert.That(next.Version, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task RefreshAsync_RotatedWithDPoPTokenType_StoresRotatedSessionThenThrowsNonTransient()
    {
        var time = new FakeTimeProvider(Start);
        var server = new RotatingOAuth2Server(time, TimeSpan.Zero, initialRefreshToken: "rt-initial")
        {
            SuccessBody = rt => $$"""{"access_token":"opaque-{{rt}}","token_type":"DPoP","expires_in":300,"refresh_token":"{{rt}}"}""",
        };
        var (sut, store) = CreateOAuth2Sut(server, time);
        var seen = await SignInAsync(store, Start);
        var refreshed = new List<Session>();
        sut.SessionRefreshed += (_, e) => refreshed.Add(e.Session);

        var ex = Assert.ThrowsAsync<SessionRefreshException>(() => sut.RefreshAsync(Key, seen, CancellationToken.None));

        var stored = await store.GetAsync(Key, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(ex!.IsTransient, Is.False);
            Assert.That(ex.Message, Does.Contain("DPoP").And.Contain("stored"));
            Assert.That(server.Requests, Is.EqualTo(1));
            Assert.That(stored!.RefreshToken, Is.EqualTo(server.ActiveRefreshToken), "the rotated refresh token is kept");
            Assert.That(stored.Version, Is.EqualTo(1));
            Assert.That(refreshed, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task RefreshAsync_ServerEchoesTokenPastTheCap_ExceptionMessageHoldsNoPrefixOfIt()
    {
        var store = new InMemoryTokenStore();
        var seen = new Session { AccessToken = TestJwt.Create(), RefreshToken = "rt-SECRET-0123456789abcdefghijklmnopqrstuv", ExpiresAt = Start.AddMinutes(1), IssuedAt = Start.AddMinutes(-59) };
        await store.SetAsync(Key, seen, CancellationToken.None);
        var message = new string('x', 170) + " the token presented was " + seen.RefreshToken;
        using var mock = new MockHttpMessageHandler();
        mock.When(HttpMethod.Post, "https://auth.example.test/auth/v1/token").Respond(HttpStatusCode.BadRequest, "application/json", $$"""{"code":"unknown","message":"{{message}}"}""");
        var client = new GoTrueTokenClient(mock.ToHttpClient(), new GoTrueOptions { AuthUrl = new Uri("https://auth.example.test/auth/v1") }, new FakeTimeProvider(Start));
        var sut = new RefreshCoordinator(store, client, new RefreshOptions { RetryBaseDelay = TimeSpan.Zero }, new FakeTimeProvider(Start));

        var ex = Assert.ThrowsAsync<SessionRefreshException>(() => sut.RefreshAsync(Key, seen, CancellationToken.None));

        Assert.That(ex!.Message, Does.Not.Contain("rt-S"));
    }

    private static (RefreshCoordinator Sut, ITokenStore Store) CreateOAuth2Sut(RotatingOAuth2Server server, FakeTimeProvider time)
    {
        var client = new OAuth2TokenClient(new HttpClient(server), new OAuth2Options { TokenEndpoint = new Uri(TokenUrl), ClientId = "app" }, time);
        var store = new InMemoryTokenStore();
        return (new RefreshCoordinator(store, client, new RefreshOptions { RetryBaseDelay = TimeSpan.Zero, CircuitBreakerEnabled = false }, time), store);
    }

    private static async Task<Session> SignInAsync(ITokenStore store, DateTimeOffset now)
    {
        var session = new Session { AccessToken = TestJwt.Create(), RefreshToken = "rt-initial", ExpiresAt = now.AddMinutes(1), IssuedAt = now.AddMinutes(-59) };
        await store.SetAsync(Key, session, CancellationToken.None);
        return session;
    }
}
