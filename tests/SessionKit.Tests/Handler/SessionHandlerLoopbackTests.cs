// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;
using Microsoft.Extensions.Time.Testing;
using SessionKit.Testing;
using SessionKit.Tests.Support;

namespace SessionKit.Tests.Handler;

/// <summary>The handler and coordinator over real HTTP against the GoTrue test server on 127.0.0.1.</summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class SessionHandlerLoopbackTests
{
    private const string Email = "ada@example.test";
    private FakeTimeProvider _time = null!;
    private GoTrueTestServer _server = null!;

    [SetUp]
    public async Task SetUp()
    {
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 7, 1, 10, 0, 0, TimeSpan.Zero));
        _server = await GoTrueTestServer.StartAsync(new GoTrueTestServerOptions { TimeProvider = _time });
        _server.AddUser(Email, "pw-1");
    }

    [TearDown]
    public async Task TearDown() => await _server.DisposeAsync();

    [Test]
    public async Task SendAsync_1000ConcurrentRequestsWithExpiredToken_ExactlyOneRefreshAndAllSucceed()
    {
        using var sut = new Harness(_server, timeProvider: _time, apiHandler: new SocketsHttpHandler { MaxConnectionsPerServer = 64 });
        var signedIn = await sut.SignInDirectAsync(Email);
        _time.Advance(TimeSpan.FromHours(2));

        var responses = await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => sut.Api.GetAsync($"item/{i}")));

        var stored = await sut.Store.GetAsync("default", CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(responses.Select(r => r.StatusCode), Has.All.EqualTo(HttpStatusCode.OK));
            Assert.That(_server.Counters.RefreshRequests, Is.EqualTo(1));
            Assert.That(stored!.Version, Is.EqualTo(signedIn.Version + 1));
            Assert.That(_server.Counters.ApiUnauthorized, Is.Zero, "the expired token was refreshed before sending");
        });
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Test]
    public async Task SendAsync_ServerRejectsTokenClientThinksValid_RefreshesOnceAndRetries()
    {
        // The client's clock lags the server's by two hours: the token looks valid locally and draws a 401.
        var clientTime = new FakeTimeProvider(_time.GetUtcNow());
        using var sut = new Harness(_server, timeProvider: clientTime);
        await sut.SignInDirectAsync(Email);
        _time.Advance(TimeSpan.FromHours(2));

        using var response = await sut.Api.GetAsync("me");

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(_server.Counters.ApiUnauthorized, Is.EqualTo(1));
            Assert.That(_server.Counters.RefreshRequests, Is.EqualTo(1));
            Assert.That(_server.Counters.ApiRequests, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task SendAsync_ProactiveRefresh_NoneBeforeMarginExactlyOneInside()
    {
        using var sut = new Harness(_server, timeProvider: _time, configureHandler: o => o.RefreshMargin = TimeSpan.FromSeconds(30));
        await sut.SignInDirectAsync(Email);

        _time.Advance(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(31));
        (await sut.Api.GetAsync("a")).Dispose();
        var before = _server.Counters.RefreshRequests;
        _time.Advance(TimeSpan.FromSeconds(2));
        (await sut.Api.GetAsync("b")).Dispose();
        (await sut.Api.GetAsync("c")).Dispose();
        (await sut.Api.GetAsync("d")).Dispose();

        Assert.Multiple(() =>
        {
            Assert.That(before, Is.Zero, "no refresh before the margin");
            Assert.That(_server.Counters.RefreshRequests, Is.EqualTo(1), "exactly one refresh inside the margin");
            Assert.That(_server.Counters.ApiUnauthorized, Is.Zero);
        });
    }

    [Test]
    public async Task SendAsync_StarterCancelledAfterRefreshSent_RefreshStoredAndOtherWaitersSucceed()
    {
        var gate = new GatedHandler(holdAfterResponse: true);
        using var sut = new Harness(_server, timeProvider: _time, tokenHandler: gate);
        var signedIn = await sut.SignInDirectAsync(Email);
        _time.Advance(TimeSpan.FromHours(2));
        using var cts = new CancellationTokenSource();

        var starter = sut.Api.GetAsync("starter", cts.Token);
        await gate.Arrived;
        var others = Enumerable.Range(0, 10).Select(i => sut.Api.GetAsync($"other/{i}")).ToArray();
        await cts.CancelAsync();
        Assert.That(async () => await starter, Throws.InstanceOf<OperationCanceledException>());
        gate.Release();
        var responses = await Task.WhenAll(others);

        var stored = await sut.Store.GetAsync("default", CancellationToken.None);
        var issued = _server.ActiveRefreshToken(sessionId: SessionIdOf(stored!));
        Assert.Multiple(() =>
        {
            Assert.That(responses.Select(r => r.StatusCode), Has.All.EqualTo(HttpStatusCode.OK));
            Assert.That(_server.Counters.RefreshRequests, Is.EqualTo(1));
            Assert.That(stored!.Version, Is.EqualTo(signedIn.Version + 1));
            Assert.That(stored.RefreshToken, Is.EqualTo(issued), "the store holds the token the server rotated to");
        });
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [TestCase(500)]
    [TestCase(502)]
    [TestCase(503)]
    [TestCase(429)]
    [TestCase(409)]
    public async Task SendAsync_TransientStatusWithoutRetries_TypedErrorAndSessionUntouched(int status)
    {
        await AssertTransientLeavesSessionAsync(TokenEndpointFault.Status(status));
    }

    [Test]
    public Task SendAsync_HtmlGatewayPage_TypedErrorAndSessionUntouched() => AssertTransientLeavesSessionAsync(TokenEndpointFault.GatewayHtml());

    [Test]
    public Task SendAsync_TruncatedJsonAfterRotating_TypedErrorAndSessionUntouched() => AssertTransientLeavesSessionAsync(TokenEndpointFault.TruncatedJson());

    [Test]
    public Task SendAsync_NonJson200AfterRotating_TypedErrorAndSessionUntouched() => AssertTransientLeavesSessionAsync(TokenEndpointFault.NonJsonSuccess());

    [Test]
    public async Task SendAsync_MalformedJwtAfterRotating_TypedErrorAndRotatedRefreshTokenKept()
    {
        using var sut = new Harness(_server, timeProvider: _time, refreshOptions: new RefreshOptions { MaxRetryAttempts = 0 });
        var signedIn = await sut.SignInDirectAsync(Email);
        _server.EnqueueRefreshFault(TokenEndpointFault.MalformedAccessToken());
        _time.Advance(TimeSpan.FromHours(2));

        var ex = Assert.ThrowsAsync<SessionRefreshException>(() => sut.Api.GetAsync("me"));

        var stored = await sut.Store.GetAsync("default", CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(ex!.IsTransient, Is.True, ex.Message);
            Assert.That(stored!.AccessToken, Is.EqualTo(signedIn.AccessToken), "the unusable access token is not stored");
            Assert.That(stored.RefreshToken, Is.EqualTo(_server.ActiveRefreshToken(SessionIdOf(signedIn))), "the rotated refresh token is");
            Assert.That(_server.Counters.RefreshRequests, Is.EqualTo(1));
        });
    }

    [Test]
    public Task SendAsync_HugeBodyAfterRotating_TypedErrorAndSessionUntouched() => AssertTransientLeavesSessionAsync(TokenEndpointFault.HugeBody());

    [TestCase(TokenEndpointFaultKind.DropConnectionAfterRotating)]
    [TestCase(TokenEndpointFaultKind.TruncatedJson)]
    [TestCase(TokenEndpointFaultKind.NonJsonSuccess)]
    [TestCase(TokenEndpointFaultKind.Status)]
    public async Task SendAsync_LostOrGarbledResponseThenRetry_RecoversWithSameTokenNoSignOut(TokenEndpointFaultKind kind)
    {
        var fault = kind switch
        {
            TokenEndpointFaultKind.DropConnectionAfterRotating => TokenEndpointFault.DropConnectionAfterRotating(),
            TokenEndpointFaultKind.TruncatedJson => TokenEndpointFault.TruncatedJson(),
            TokenEndpointFaultKind.NonJsonSuccess => TokenEndpointFault.NonJsonSuccess(),
            TokenEndpointFaultKind.MissingFields => TokenEndpointFault.MissingFields(),
            _ => TokenEndpointFault.Status(503),
        };
        using var sut = new Harness(_server, timeProvider: _time, refreshOptions: new RefreshOptions { RetryBaseDelay = TimeSpan.Zero });
        await sut.SignInDirectAsync(Email);
        var ended = 0;
        sut.Coordinator.SessionEnded += (_, _) => ended++;
        _server.EnqueueRefreshFault(fault);
        _time.Advance(TimeSpan.FromHours(2));

        using var response = await sut.Api.GetAsync("me");

        var stored = await sut.Store.GetAsync("default", CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(_server.Counters.RefreshRequests, Is.EqualTo(2), "one faulted attempt, one resend");
            Assert.That(_server.Counters.Rejections, Is.Empty);
            Assert.That(ended, Is.Zero);
            Assert.That(stored!.RefreshToken, Is.EqualTo(_server.ActiveRefreshToken(SessionIdOf(stored))));
        });
    }

    private static string SessionIdOf(Session session)
    {
        var payload = session.AccessToken.Split('.')[1];
        var json = System.Text.Encoding.UTF8.GetString(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(payload));
        return System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("session_id").GetString()!;
    }

    private async Task AssertTransientLeavesSessionAsync(TokenEndpointFault fault)
    {
        using var sut = new Harness(_server, timeProvider: _time, refreshOptions: new RefreshOptions { MaxRetryAttempts = 0 });
        var signedIn = await sut.SignInDirectAsync(Email);
        _server.EnqueueRefreshFault(fault);
        _time.Advance(TimeSpan.FromHours(2));

        var ex = Assert.ThrowsAsync<SessionRefreshException>(() => sut.Api.GetAsync("me"));

        var stored = await sut.Store.GetAsync("default", CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(ex!.IsTransient, Is.True, ex.Message);
            Assert.That(Session.SameTokens(stored, signedIn), Is.True, "the stored session is untouched");
            Assert.That(_server.Counters.RefreshRequests, Is.EqualTo(1));
        });
    }
}
