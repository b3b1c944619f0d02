// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Time.Testing;

namespace SessionKit.Tests.OAuth2;

/// <summary>
/// <see cref="OAuth2TokenClient"/>, <see cref="RefreshCoordinator"/> and <see cref="SessionHandler"/> together over real HTTP
/// against OAuth 2.0 servers of both families: the <see cref="Testing.OAuth2TestServer"/> double and a real OpenIddict server,
/// each strict and with a reuse leeway. The client's clock is fake (to reach expiry and pass the storm guard); the servers' are real.
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class OAuth2FlowTests
{
    private const string RedeemedDescription = "The specified refresh token has already been redeemed.";

    [TestCaseSource(typeof(OAuth2Targets), nameof(OAuth2Targets.All))]
    public async Task SendAsync_AccessTokenExpiring_RefreshesProactivelyAndRotates(string kind)
    {
        await using var target = await OAuth2Targets.StartAsync(kind);
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        using var sut = new OAuth2Harness(target, clock);
        var signedIn = await sut.SignInAsync();
        clock.Advance(signedIn.ExpiresAt - clock.GetUtcNow() - TimeSpan.FromSeconds(5));

        using var response = await sut.Api.GetAsync("items");

        var stored = await sut.Client.GetSessionAsync();
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(target.RefreshCalls, Is.EqualTo(1));
            Assert.That(stored!.Version, Is.EqualTo(1));
            Assert.That(stored.RefreshToken, Is.Not.EqualTo(signedIn.RefreshToken), "the refresh token rotated");
            Assert.That(stored.AccessToken, Is.Not.EqualTo(signedIn.AccessToken));
            Assert.That(stored.ExpiresAt, Is.GreaterThan(clock.GetUtcNow() + TimeSpan.FromMinutes(30)));
            Assert.That(signedIn.UserId, Is.EqualTo(target.UserId), "opaque access token: the user id comes from the id_token's sub");
            Assert.That(stored.UserId, Is.EqualTo(target.UserId));
        });
    }

    [TestCaseSource(typeof(OAuth2Targets), nameof(OAuth2Targets.All))]
    public async Task SendAsync_ServerAnswers401_RefreshesOnceAndRetries(string kind)
    {
        await using var target = await OAuth2Targets.StartAsync(kind);
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        using var sut = new OAuth2Harness(target, clock);
        var signedIn = await sut.SignInAsync();
        clock.Advance(TimeSpan.FromMinutes(5));

        // The server no longer accepts the access token (here: one it never issued); the refresh token is still good.
        await sut.Client.SetSessionAsync(new Session
        {
            AccessToken = "not-accepted-by-the-server",
            RefreshToken = signedIn.RefreshToken,
            ExpiresAt = signedIn.ExpiresAt,
            IssuedAt = signedIn.IssuedAt,
        });

        using var response = await sut.Api.GetAsync("items");

        var stored = await sut.Client.GetSessionAsync();
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(target.RefreshCalls, Is.EqualTo(1));
            Assert.That(stored!.RefreshToken, Is.Not.EqualTo(signedIn.RefreshToken));
        });
    }

    [TestCaseSource(typeof(OAuth2Targets), nameof(OAuth2Targets.All))]
    public async Task SendAsync_HundredCallersOnExpiredToken_ExactlyOneRefreshCall(string kind)
    {
        await using var target = await OAuth2Targets.StartAsync(kind);
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        using var sut = new OAuth2Harness(target, clock);
        var signedIn = await sut.SignInAsync();
        clock.Advance(signedIn.ExpiresAt - clock.GetUtcNow() + TimeSpan.FromSeconds(1));

        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => sut.Api.GetAsync($"items/{i}")));

        try
        {
            Assert.Multiple(() =>
            {
                Assert.That(responses.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.OK));
                Assert.That(target.RefreshCalls, Is.EqualTo(1), "one refresh for the whole herd");
                Assert.That(target.MaxConcurrentRefreshes, Is.EqualTo(1));
            });
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }

    [TestCaseSource(typeof(OAuth2Targets), nameof(OAuth2Targets.Strict))]
    public async Task RefreshAsync_ReplayedTokenOnStrictServer_EndsSessionWithReasonAndServerDescription(string kind)
    {
        await using var target = await OAuth2Targets.StartAsync(kind);
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        using var sut = new OAuth2Harness(target, clock);
        var signedIn = await sut.SignInAsync();
        var ended = new List<SessionEndedEventArgs>();
        sut.Coordinator.SessionEnded += (_, e) => ended.Add(e);

        // Someone else (a copy of the token on another device, or a response this client lost) redeemed the token first.
        var elsewhere = await RedeemAsync(sut.TokenHttp, target, signedIn.RefreshToken!);
        clock.Advance(TimeSpan.FromMinutes(5));

        var ex = Assert.ThrowsAsync<SessionEndedException>(() => sut.Client.RefreshAsync());

        using var replayedGrantCall = await CallApiAsync(target, elsewhere);
        var outcome = sut.Refresher.Outcomes.Single();
        Assert.Multiple(async () =>
        {
            Assert.That(ex!.Reason, Is.EqualTo(SessionEndReason.InvalidGrant));
            Assert.That(ex.ErrorCode, Is.EqualTo("invalid_grant"));
            Assert.That(ex.UserId, Is.EqualTo(target.UserId));
            Assert.That(outcome.Kind, Is.EqualTo(RefreshOutcomeKind.Rejected));
            Assert.That(outcome.Description, Is.EqualTo(RedeemedDescription), "the server's error_description reaches the coordinator");
            Assert.That(await sut.Client.GetSessionAsync(), Is.Null, "the session ended cleanly");
            Assert.That(ended.Select(e => e.Reason), Is.EqualTo(new[] { SessionEndReason.InvalidGrant }), "SessionEnded raised once");
            Assert.That(target.RefreshCalls, Is.EqualTo(2), "the stale token went to the server once");
            Assert.That(replayedGrantCall.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "a strict server revoked the whole grant, fresh access token included");
        });
    }

    [TestCaseSource(typeof(OAuth2Targets), nameof(OAuth2Targets.WithLeeway))]
    public async Task RefreshAsync_ReplayedTokenWithinLeeway_GetsANewBranch(string kind)
    {
        await using var target = await OAuth2Targets.StartAsync(kind);
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        using var sut = new OAuth2Harness(target, clock);
        var signedIn = await sut.SignInAsync();
        await RedeemAsync(sut.TokenHttp, target, signedIn.RefreshToken!);
        clock.Advance(TimeSpan.FromMinutes(5));

        var refreshed = await sut.Client.RefreshAsync();

        using var response = await sut.Api.GetAsync("items");
        Assert.Multiple(() =>
        {
            Assert.That(refreshed.Version, Is.EqualTo(1));
            Assert.That(refreshed.RefreshToken, Is.Not.EqualTo(signedIn.RefreshToken));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    [TestCaseSource(typeof(OAuth2Targets), nameof(OAuth2Targets.All))]
    public async Task SignOutAsync_RevocationEndpoint_RevokesTheGrant(string kind)
    {
        await using var target = await OAuth2Targets.StartAsync(kind);
        using var sut = new OAuth2Harness(target);
        var signedIn = await sut.SignInAsync();

        var confirmed = await sut.Client.SignOutAsync();

        using var replay = await PostRefreshAsync(sut.TokenHttp, target, signedIn.RefreshToken!);
        var body = await replay.Content.ReadFromJsonAsync<Dictionary<string, string>>();
        Assert.Multiple(() =>
        {
            Assert.That(confirmed.ServerConfirmed, Is.True);
            Assert.That(replay.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(body!["error"], Is.EqualTo("invalid_grant"));
        });
    }

    private static Task<HttpResponseMessage> PostRefreshAsync(HttpClient http, IOAuth2Target target, string refreshToken) =>
        http.PostAsync(target.TokenEndpoint, new FormUrlEncodedContent(
        [
            new("grant_type", "refresh_token"),
            new("refresh_token", refreshToken),
            new("client_id", target.ClientId),
        ]));

    private static async Task<string> RedeemAsync(HttpClient http, IOAuth2Target target, string refreshToken)
    {
        using var response = await PostRefreshAsync(http, target, refreshToken);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<Dictionary<string, object>>();
        return body!["access_token"].ToString()!;
    }

    private static async Task<HttpResponseMessage> CallApiAsync(IOAuth2Target target, string accessToken)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(target.ApiUrl, "items"));
        request.Headers.Authorization = new("Bearer", accessToken);
        return await http.SendAsync(request);
    }
}
