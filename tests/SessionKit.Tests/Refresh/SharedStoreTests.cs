// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.Time.Testing;
using SessionKit.Tests.Support;

namespace SessionKit.Tests.Refresh;

/// <summary>
/// Several coordinators (two apps or hosts in one process) sharing one store: one refresh at a time per key across all of them
/// (invariant 1), and a session's end seen by every holder with its reason, exactly once each (invariant 10).
/// </summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class SharedStoreTests
{
    private const string Key = "default";
    private static readonly DateTimeOffset Start = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task RefreshAsync_TwoCoordinatorsShareAnInMemoryStore_OneRefreshCallAndTheSecondAdopts()
    {
        var store = new InMemoryTokenStore();
        var first = new FakeRefresher();
        var second = new FakeRefresher();
        first.CloseGate();
        using var a = CreateCoordinator(store, first);
        using var b = CreateCoordinator(store, second);
        var seen = await SignInAsync(store);

        var fromA = a.RefreshAsync(Key, seen, CancellationToken.None);
        await first.Arrived;
        var fromB = b.RefreshAsync(Key, seen, CancellationToken.None);
        first.OpenGate();
        var results = await Task.WhenAll(fromA, fromB);

        Assert.Multiple(async () =>
        {
            Assert.That(first.Calls + second.Calls, Is.EqualTo(1), "the second coordinator must wait for the first and adopt");
            Assert.That(results[1], Is.SameAs(results[0]));
            Assert.That(await store.GetAsync(Key, CancellationToken.None), Is.SameAs(results[0]));
        });
    }

    [Test]
    public async Task RefreshAsync_ManyCoordinatorsShareAStore_NeverTwoCallsInFlightAndOneCallPerRotation()
    {
        var store = new InMemoryTokenStore();
        var refresher = new FakeRefresher();
        var coordinators = Enumerable.Range(0, 8).Select(_ => CreateCoordinator(store, refresher)).ToArray();
        var seen = await SignInAsync(store);

        for (var round = 0; round < 20; round++)
        {
            var callers = coordinators.SelectMany(c => Enumerable.Range(0, 8).Select(_ => Task.Run(() => c.RefreshAsync(Key, seen, CancellationToken.None))));
            var results = await Task.WhenAll(callers);
            Assert.That(results.Select(r => r.RefreshToken).Distinct().Count(), Is.EqualTo(1), $"round {round}: everyone ends on one session");
            seen = results[0];
        }

        Assert.Multiple(() =>
        {
            Assert.That(refresher.Calls, Is.EqualTo(20));
            Assert.That(refresher.MaxInFlight, Is.EqualTo(1));
        });
        foreach (var coordinator in coordinators)
        {
            coordinator.Dispose();
        }
    }

    [Test]
    public async Task RefreshAsync_SessionEndedByAnotherCoordinator_ThrowsEndedWithTheReasonAndRaisesOnce()
    {
        var store = new InMemoryTokenStore();
        var rejecting = new FakeRefresher((_, _) => RefreshOutcome.Rejected(SessionEndReason.RefreshTokenAlreadyUsed, "refresh_token_already_used", 400, "Invalid Refresh Token: Already Used"));
        var unused = new FakeRefresher();
        using var a = CreateCoordinator(store, rejecting);
        using var b = CreateCoordinator(store, unused);
        var endedA = new List<SessionEndedEventArgs>();
        var endedB = new List<SessionEndedEventArgs>();
        a.SessionEnded += (_, e) => endedA.Add(e);
        b.SessionEnded += (_, e) => endedB.Add(e);
        var seen = await SignInAsync(store);
        Assert.ThrowsAsync<SessionEndedException>(() => a.RefreshAsync(Key, seen, CancellationToken.None));

        var first = Assert.ThrowsAsync<SessionEndedException>(() => b.RefreshAsync(Key, seen, CancellationToken.None));
        var again = Assert.ThrowsAsync<SessionEndedException>(() => b.RefreshAsync(Key, null, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(first!.Reason, Is.EqualTo(SessionEndReason.RefreshTokenAlreadyUsed));
            Assert.That(first.ErrorCode, Is.EqualTo("refresh_token_already_used"));
            Assert.That(first.ErrorDescription, Is.EqualTo("Invalid Refresh Token: Already Used"));
            Assert.That(first.UserId, Is.EqualTo("user-1"));
            Assert.That(again!.Reason, Is.EqualTo(SessionEndReason.RefreshTokenAlreadyUsed));
            Assert.That(endedA, Has.Count.EqualTo(1));
            Assert.That(endedB, Has.Count.EqualTo(1), "each holder raises SessionEnded once per end");
            Assert.That(endedB[0].End.Id, Is.EqualTo(endedA[0].End.Id));
            Assert.That(unused.Calls, Is.Zero, "an ended session is never sent to the server again");
        });
    }

    [Test]
    public async Task RefreshAsync_SignedInAgainAfterAnEnd_NextEndIsRaisedAgain()
    {
        var store = new InMemoryTokenStore();
        var rejecting = new FakeRefresher((_, _) => RefreshOutcome.Rejected(SessionEndReason.RefreshTokenNotFound, "refresh_token_not_found", 400, null));
        using var a = CreateCoordinator(store, rejecting);
        using var b = CreateCoordinator(store, new FakeRefresher());
        var endedB = 0;
        b.SessionEnded += (_, _) => endedB++;

        for (var i = 0; i < 3; i++)
        {
            var seen = await SignInAsync(store);
            Assert.ThrowsAsync<SessionEndedException>(() => a.RefreshAsync(Key, seen, CancellationToken.None));
            Assert.ThrowsAsync<SessionEndedException>(() => b.RefreshAsync(Key, seen, CancellationToken.None));
            Assert.ThrowsAsync<SessionEndedException>(() => b.RefreshAsync(Key, seen, CancellationToken.None));
        }

        Assert.That(endedB, Is.EqualTo(3), "once per end, and every new end again");
    }

    [Test]
    public async Task SignOutAsync_TwentyThousandDistinctKeys_CoordinatorAndStoreStayBounded()
    {
        var store = new InMemoryTokenStore();
        using var coordinator = CreateCoordinator(store, new FakeRefresher());
        var client = new SessionClient(coordinator);

        for (var i = 0; i < 20_000; i++)
        {
            var user = client.ForKey("user-" + i);
            await user.SetSessionAsync(new Session { AccessToken = "a" + i, RefreshToken = "r" + i, ExpiresAt = Start.AddHours(1) });
            await user.SignOutAsync();
        }

        Assert.Multiple(() =>
        {
            Assert.That(coordinator.ReportedEndCount, Is.LessThanOrEqualTo(4096));
            Assert.That(store.EndCount, Is.LessThanOrEqualTo(InMemoryTokenStore.DefaultMaxEnds));
        });
    }

    private static RefreshCoordinator CreateCoordinator(ITokenStore store, FakeRefresher refresher) =>
        new(store, refresher, new RefreshOptions { RetryBaseDelay = TimeSpan.Zero, MinimumRefreshInterval = TimeSpan.Zero }, new FakeTimeProvider(Start));

    private static async Task<Session> SignInAsync(ITokenStore store)
    {
        var session = new Session { AccessToken = TestJwt.Create("user-1"), RefreshToken = "rt-initial-" + Guid.NewGuid().ToString("N")[..8], ExpiresAt = Start.AddMinutes(1) };
        await store.SetAsync(Key, session, CancellationToken.None);
        return session;
    }
}
