// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;
using Microsoft.Extensions.Time.Testing;
using SessionKit.Testing;
using SessionKit.Tests.Support;

namespace SessionKit.Tests.Client;

/// <summary>The facade over real HTTP: password sign-in, current session, refresh, sign-out with server revocation, events.</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class SessionClientTests
{
    private const string Email = "linus@example.test";
    private FakeTimeProvider _time = null!;
    private GoTrueTestServer _server = null!;

    [SetUp]
    public async Task SetUp()
    {
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 9, 1, 10, 0, 0, TimeSpan.Zero));
        _server = await GoTrueTestServer.StartAsync(new GoTrueTestServerOptions { TimeProvider = _time });
        _server.AddUser(Email, "open sesame");
    }

    [TearDown]
    public async Task TearDown() => await _server.DisposeAsync();

    [Test]
    public async Task SignInWithPasswordAsync_ValidCredentials_StoresSessionWithUserAndExpiry()
    {
        using var harness = new Harness(_server, timeProvider: _time);
        var sut = harness.Client;

        var session = await sut.SignInWithPasswordAsync(Email, "open sesame");

        Assert.Multiple(async () =>
        {
            Assert.That(await sut.GetSessionAsync(), Is.SameAs(session));
            Assert.That(session.UserId, Is.Not.Null.And.Not.Empty);
            Assert.That(session.ExpiresAt, Is.EqualTo(_time.GetUtcNow().AddHours(1)));
            Assert.That(session.Version, Is.Zero);
        });
    }

    [Test]
    public void SignInWithPasswordAsync_WrongPassword_TypedExceptionWithCode()
    {
        using var harness = new Harness(_server, timeProvider: _time);

        var ex = Assert.ThrowsAsync<SessionSignInException>(() => harness.Client.SignInWithPasswordAsync(Email, "wrong-password-xyz"));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ErrorCode, Is.EqualTo("invalid_credentials"));
            Assert.That(ex.Message, Does.Not.Contain("wrong-password-xyz"));
        });
    }

    [Test]
    public async Task RefreshAsync_Forced_RaisesSessionRefreshed()
    {
        using var harness = new Harness(_server, timeProvider: _time);
        var sut = harness.Client;
        await sut.SignInWithPasswordAsync(Email, "open sesame");
        var refreshed = new List<SessionRefreshedEventArgs>();
        sut.SessionRefreshed += (_, e) => refreshed.Add(e);

        var session = await sut.RefreshAsync();

        Assert.Multiple(() =>
        {
            Assert.That(refreshed, Has.Count.EqualTo(1));
            Assert.That(refreshed[0].Session, Is.SameAs(session));
            Assert.That(refreshed[0].SessionKey, Is.EqualTo("default"));
        });
    }

    [Test]
    public async Task SignOutAsync_GoTrue_LogsOutAtServerClearsStoreAndRaisesEnded()
    {
        using var harness = new Harness(_server, timeProvider: _time);
        var sut = harness.Client;
        await sut.SignInWithPasswordAsync(Email, "open sesame");
        var ended = new List<SessionEndedEventArgs>();
        sut.SessionEnded += (_, e) => ended.Add(e);

        var confirmed = await sut.SignOutAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(confirmed.ServerConfirmed, Is.True);
            Assert.That(_server.Counters.Logouts, Is.EqualTo(1));
            Assert.That(_server.SessionCount, Is.Zero);
            Assert.That(await sut.GetSessionAsync(), Is.Null);
            Assert.That(ended.Single().Reason, Is.EqualTo(SessionEndReason.SignedOut));
        });
        var ex = Assert.ThrowsAsync<SessionEndedException>(() => harness.Api.GetAsync("me"));
        Assert.That(ex!.Reason, Is.EqualTo(SessionEndReason.SignedOut));
    }

    [Test]
    public async Task SignOutAsync_NothingStored_RaisesNoEvent()
    {
        using var harness = new Harness(_server, timeProvider: _time);
        var sut = harness.Client;
        await sut.SignInWithPasswordAsync(Email, "open sesame");
        var ended = new List<SessionEndedEventArgs>();
        sut.SessionEnded += (_, e) => ended.Add(e);

        await sut.SignOutAsync();
        await sut.SignOutAsync();
        await sut.ForKey("never-signed-in").SignOutAsync();

        Assert.That(ended, Has.Count.EqualTo(1), "only a sign-out that removed a session raises SessionEnded");
    }

    [Test]
    public async Task SignOutAsync_AnotherAppSharesTheStore_ItFailsWithSignedOutAndRaisesOnce()
    {
        using var first = new Harness(_server, timeProvider: _time);
        using var second = new Harness(_server, store: first.Store, timeProvider: _time);
        await first.Client.SignInWithPasswordAsync(Email, "open sesame");
        var ended = new List<SessionEndedEventArgs>();
        second.Client.SessionEnded += (_, e) => ended.Add(e);

        await first.Client.SignOutAsync();
        var ex = Assert.ThrowsAsync<SessionEndedException>(() => second.Api.GetAsync("me"));
        Assert.ThrowsAsync<SessionEndedException>(() => second.Api.GetAsync("me"));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Reason, Is.EqualTo(SessionEndReason.SignedOut), "not 'no session stored, sign in first'");
            Assert.That(ex.UserId, Is.Not.Null);
            Assert.That(ended, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task SignOutAsync_ServerUnreachable_StillSignsOutLocally()
    {
        using var harness = new Harness(_server, timeProvider: _time);
        var sut = harness.Client;
        await sut.SignInWithPasswordAsync(Email, "open sesame");
        await _server.DisposeAsync();

        var confirmed = await sut.SignOutAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(confirmed.ServerConfirmed, Is.False);
            Assert.That(await sut.GetSessionAsync(), Is.Null);
        });
        _server = await GoTrueTestServer.StartAsync();
    }

    [Test]
    public async Task SignOutAsync_IdleGoTrueSessionWithExpiredAccessToken_RefreshesFirstThenLogsOutAtServer()
    {
        using var harness = new Harness(_server, timeProvider: _time);
        var sut = harness.Client;
        await sut.SignInWithPasswordAsync(Email, "open sesame");
        _time.Advance(TimeSpan.FromHours(2));

        var result = await sut.SignOutAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(result.ServerConfirmed, Is.True, result.ToString());
            Assert.That(_server.Counters.RefreshSuccesses, Is.EqualTo(1), "the expired access token was refreshed first");
            Assert.That(_server.Counters.Logouts, Is.EqualTo(1));
            Assert.That(_server.SessionCount, Is.Zero, "the server session ended");
            Assert.That(await sut.GetSessionAsync(), Is.Null);
        });
    }

    [Test]
    public async Task SignOutAsync_ExpiredAndRefreshFails_SignsOutLocallyAndSaysSo()
    {
        using var harness = new Harness(_server, timeProvider: _time, refreshOptions: new RefreshOptions { MaxRetryAttempts = 0 });
        var sut = harness.Client;
        await sut.SignInWithPasswordAsync(Email, "open sesame");
        _time.Advance(TimeSpan.FromHours(2));
        _server.EnqueueRefreshFault(TokenEndpointFault.Status(503));

        var result = await sut.SignOutAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(result.ServerConfirmed, Is.False);
            Assert.That(result.Problem, Does.Contain("could not be refreshed"));
            Assert.That(_server.Counters.Logouts, Is.Zero);
            Assert.That(await sut.GetSessionAsync(), Is.Null, "the local sign-out happens anyway");
        });
    }

    [Test]
    public async Task ForKey_TwoUsers_IndependentSessions()
    {
        _server.AddUser("other@example.test", "pw2");
        using var harness = new Harness(_server, timeProvider: _time);
        var alice = harness.Client.ForKey("alice");
        var bob = harness.Client.ForKey("bob");

        var a = await alice.SignInWithPasswordAsync(Email, "open sesame");
        var b = await bob.SignInWithPasswordAsync("other@example.test", "pw2");
        await alice.SignOutAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(a.UserId, Is.Not.EqualTo(b.UserId));
            Assert.That(await alice.GetSessionAsync(), Is.Null);
            Assert.That(await bob.GetSessionAsync(), Is.SameAs(b));
        });
    }

    [Test]
    public async Task SendAsync_AfterPasswordSignIn_ApiAnswersForUser()
    {
        using var harness = new Harness(_server, timeProvider: _time);
        var session = await harness.Client.SignInWithPasswordAsync(Email, "open sesame");

        using var response = await harness.Api.GetAsync("profile");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(body, Does.Contain(session.UserId!));
        });
    }

    [Test]
    public async Task GetAccessTokenAsync_FreshSession_ReturnsStoredTokenWithoutRefresh()
    {
        using var harness = new Harness(_server, timeProvider: _time);
        var session = await harness.SignInDirectAsync(Email);

        var token = await harness.Client.GetAccessTokenAsync();

        Assert.Multiple(() =>
        {
            Assert.That(token, Is.EqualTo(session.AccessToken));
            Assert.That(_server.Counters.RefreshRequests, Is.Zero);
        });
    }

    [Test]
    public async Task GetAccessTokenAsync_ExpiringWithConcurrentCallers_RefreshesOnceAndReturnsStoredToken()
    {
        using var harness = new Harness(_server, timeProvider: _time);
        var session = await harness.SignInDirectAsync(Email);
        _time.Advance(TimeSpan.FromMinutes(59.9));

        var tokens = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => harness.Client.GetAccessTokenAsync()));

        var stored = await harness.Client.GetSessionAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_server.ApiUrl, "me"));
        request.Headers.Authorization = new("Bearer", tokens[0]);
        using var plain = new HttpClient();
        using var response = await plain.SendAsync(request);
        Assert.Multiple(() =>
        {
            Assert.That(tokens.Distinct().Count(), Is.EqualTo(1));
            Assert.That(tokens[0], Is.Not.EqualTo(session.AccessToken));
            Assert.That(tokens[0], Is.EqualTo(stored!.AccessToken));
            Assert.That(_server.Counters.RefreshSuccesses, Is.EqualTo(1));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    [Test]
    public async Task GetAccessTokenAsync_LongMinimumValidityPastHalfLifetime_Refreshes()
    {
        using var harness = new Harness(_server, timeProvider: _time);
        var session = await harness.SignInDirectAsync(Email);
        _time.Advance(TimeSpan.FromMinutes(31));

        var withDefault = await harness.Client.GetAccessTokenAsync();
        var withTwoHours = await harness.Client.GetAccessTokenAsync(minimumValidity: TimeSpan.FromHours(2));

        Assert.Multiple(() =>
        {
            Assert.That(withDefault, Is.EqualTo(session.AccessToken), "30 s margin: not expiring yet");
            Assert.That(withTwoHours, Is.Not.EqualTo(session.AccessToken), "capped at half the lifetime: expiring");
            Assert.That(_server.Counters.RefreshSuccesses, Is.EqualTo(1));
        });
    }

    [Test]
    public void GetAccessTokenAsync_NoSession_ThrowsSessionRequired()
    {
        using var harness = new Harness(_server, timeProvider: _time);

        var ex = Assert.ThrowsAsync<SessionRequiredException>(() => harness.Client.ForKey("nobody").GetAccessTokenAsync());

        Assert.That(ex!.Message, Does.Contain("sign in"));
    }

    [Test]
    public async Task GetAccessTokenAsync_RefreshTokenReused_ThrowsSessionEndedWithReason()
    {
        using var harness = new Harness(_server, timeProvider: _time);
        var session = await harness.SignInDirectAsync(Email);
        using (var thief = new Harness(_server, timeProvider: _time))
        {
            // The thief rotates twice, an hour apart: the harness's token is then a stale grandparent.
            await thief.Client.SetSessionAsync(session);
            await thief.Client.RefreshAsync();
            _time.Advance(TimeSpan.FromMinutes(59.9));
            await thief.Client.RefreshAsync();
        }

        var ex = Assert.ThrowsAsync<SessionEndedException>(() => harness.Client.GetAccessTokenAsync());

        Assert.That(ex!.Reason, Is.EqualTo(SessionEndReason.RefreshTokenAlreadyUsed));
    }

    [Test]
    public async Task GetAccessTokenAsync_RefreshFailsWhileTokenStillValid_ReturnsStoredToken()
    {
        using var harness = new Harness(_server, timeProvider: _time, refreshOptions: new RefreshOptions { MaxRetryAttempts = 0 });
        var session = await harness.SignInDirectAsync(Email);
        _time.Advance(TimeSpan.FromMinutes(59.9));
        _server.EnqueueRefreshFault(TokenEndpointFault.Status(503), count: 10);

        var token = await harness.Client.GetAccessTokenAsync();

        Assert.That(token, Is.EqualTo(session.AccessToken));
    }
}
