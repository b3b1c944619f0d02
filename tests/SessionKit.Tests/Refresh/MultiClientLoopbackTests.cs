// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;
using Microsoft.Extensions.Time.Testing;
using SessionKit.Testing;
using SessionKit.Tests.Support;

namespace SessionKit.Tests.Refresh;

/// <summary>Several holders of one session over real HTTP: adoption instead of sign-out, and a clean sign-out on genuine reuse.</summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class MultiClientLoopbackTests
{
    private const string Email = "grace@example.test";
    private FakeTimeProvider _time = null!;

    [SetUp]
    public void SetUp() => _time = new FakeTimeProvider(new DateTimeOffset(2026, 8, 1, 10, 0, 0, TimeSpan.Zero));

    [Test]
    public async Task RefreshAsync_SharedStoreOtherCoordinatorRotated_StaleHolderRejectedAdoptsAndStaysSignedIn()
    {
        // Rotation with reuse revocation off: a reuse fails only that request, so adoption keeps a live session.
        await using var server = await GoTrueTestServer.StartAsync(new GoTrueTestServerOptions
        {
            TimeProvider = _time,
            ReuseInterval = TimeSpan.Zero,
            RevokeFamilyOnReuse = false,
        });
        server.AddUser(Email, "pw");
        // A store without a refresh lock (the in-memory and file stores have one, which would make B wait for A).
        var store = new LockFreeStore(new InMemoryTokenStore());
        var gate = new GatedHandler(holdAfterResponse: false);
        using var a = new Harness(server, store, _time);
        using var b = new Harness(server, store, _time, tokenHandler: gate);
        var s0 = await a.SignInDirectAsync(Email);
        var endedB = 0;
        b.Coordinator.SessionEnded += (_, _) => endedB++;

        var bRefresh = b.Coordinator.RefreshAsync("default", s0, CancellationToken.None);
        await gate.Arrived;
        var s1 = await a.Coordinator.RefreshAsync("default", s0, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(3));
        var s2 = await a.Coordinator.RefreshAsync("default", s1, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(1));
        gate.Release();
        var adopted = await bRefresh;

        Assert.Multiple(async () =>
        {
            Assert.That(server.Counters.RejectionsOf("refresh_token_already_used"), Is.EqualTo(1), "B's stale token was rejected by the server");
            Assert.That(adopted.RefreshToken, Is.EqualTo(s2.RefreshToken));
            Assert.That(endedB, Is.Zero, "B is not signed out");
            Assert.That((await store.GetAsync("default", CancellationToken.None))!.RefreshToken, Is.EqualTo(s2.RefreshToken));
        });
        using var response = await b.Api.GetAsync("me");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task SendAsync_StaleRefreshTokenReplayedFromSecondStore_SignedOutOnceWithReasonThenFailsFast()
    {
        await using var server = await GoTrueTestServer.StartAsync(new GoTrueTestServerOptions { TimeProvider = _time });
        server.AddUser(Email, "pw");
        using var first = new Harness(server, timeProvider: _time);
        using var second = new Harness(server, timeProvider: _time);
        var s0 = await first.SignInDirectAsync(Email);
        await second.Client.SetSessionAsync(s0);
        var s1 = await first.Coordinator.RefreshAsync("default", s0, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(5));
        await first.Coordinator.RefreshAsync("default", s1, CancellationToken.None);
        var ended = new List<SessionEndedEventArgs>();
        second.Client.SessionEnded += (_, e) => ended.Add(e);
        _time.Advance(TimeSpan.FromHours(2));

        var ex = Assert.ThrowsAsync<SessionEndedException>(() => second.Api.GetAsync("me"));
        var refreshesAfterEnd = server.Counters.RefreshRequests;
        var later = new List<SessionEndedException>();
        for (var i = 0; i < 5; i++)
        {
            later.Add(Assert.ThrowsAsync<SessionEndedException>(() => second.Api.GetAsync("me"))!);
        }

        Assert.Multiple(async () =>
        {
            Assert.That(ex!.Reason, Is.EqualTo(SessionEndReason.RefreshTokenAlreadyUsed));
            Assert.That(ex.ErrorCode, Is.EqualTo("refresh_token_already_used"));
            Assert.That(ex.UserId, Is.EqualTo(s0.UserId).And.Not.Null);
            Assert.That(ended, Has.Count.EqualTo(1));
            Assert.That(ended[0].Reason, Is.EqualTo(SessionEndReason.RefreshTokenAlreadyUsed));
            Assert.That(await second.Store.GetAsync("default", CancellationToken.None), Is.Null);
            Assert.That(later.Select(e => e.Reason), Has.All.EqualTo(SessionEndReason.RefreshTokenAlreadyUsed));
            Assert.That(server.Counters.RefreshRequests, Is.EqualTo(refreshesAfterEnd), "no token call after the sign-out");
            Assert.That(server.Counters.RejectionsOf("refresh_token_already_used"), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task SendAsync_SignedInAgainAfterEnd_WorksNormally()
    {
        await using var server = await GoTrueTestServer.StartAsync(new GoTrueTestServerOptions { TimeProvider = _time });
        server.AddUser(Email, "pw");
        using var sut = new Harness(server, timeProvider: _time);
        var issued = server.IssueSession(Email);
        server.DeleteSession(issued.SessionId);
        await sut.Client.SetSessionAsync(new Session { AccessToken = issued.AccessToken, RefreshToken = issued.RefreshToken, ExpiresAt = _time.GetUtcNow() });
        Assert.ThrowsAsync<SessionEndedException>(() => sut.Api.GetAsync("me"));

        await sut.Client.SignInWithPasswordAsync(Email, "pw");
        using var response = await sut.Api.GetAsync("me");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
