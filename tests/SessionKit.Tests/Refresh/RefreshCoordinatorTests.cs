// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.Time.Testing;
using SessionKit.Tests.Support;

namespace SessionKit.Tests.Refresh;

/// <summary>The single flight, the store-first rules and sign-out on rejection (invariants 1 to 5 of the design).</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class RefreshCoordinatorTests
{
    private const string Key = "default";
    private static readonly DateTimeOffset Start = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task RefreshAsync_StoreAlreadyNewer_ReturnsStoredWithoutCall()
    {
        var (sut, store, refresher) = CreateSut();
        var seen = await SignInAsync(store);
        var newer = Rotated(seen);
        await store.SetAsync(Key, newer, CancellationToken.None);

        var result = await sut.RefreshAsync(Key, seen, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result, Is.SameAs(newer));
            Assert.That(refresher.Calls, Is.Zero);
        });
    }

    [Test]
    public async Task RefreshAsync_Succeeded_StoresRotatedSessionWithNextVersion()
    {
        var (sut, store, _) = CreateSut();
        var seen = await SignInAsync(store);

        var result = await sut.RefreshAsync(Key, seen, CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(result.Version, Is.EqualTo(seen.Version + 1));
            Assert.That(result.RefreshToken, Is.Not.EqualTo(seen.RefreshToken));
            Assert.That(await store.GetAsync(Key, CancellationToken.None), Is.SameAs(result));
        });
    }

    [Test]
    public async Task RefreshAsync_ServerIssuesNoRefreshToken_KeepsOldOne()
    {
        var (sut, store, _) = CreateSut(new FakeRefresher((s, _) => RefreshOutcome.Succeeded(new Session { AccessToken = TestJwt.Create(), ExpiresAt = Start.AddHours(2) })));
        var seen = await SignInAsync(store);

        var result = await sut.RefreshAsync(Key, seen, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.RefreshToken, Is.EqualTo(seen.RefreshToken));
            Assert.That(result.AccessToken, Is.Not.EqualTo(seen.AccessToken));
        });
    }

    [Test]
    public async Task RefreshAsync_ManyConcurrentCallers_OneCallAndEveryoneGetsTheStoredResult()
    {
        var refresher = new FakeRefresher();
        refresher.CloseGate();
        var (sut, store, _) = CreateSut(refresher);
        var seen = await SignInAsync(store);

        var callers = Enumerable.Range(0, 200).Select(_ => Task.Run(() => sut.RefreshAsync(Key, seen, CancellationToken.None))).ToArray();
        await refresher.Arrived;
        refresher.OpenGate();
        var results = await Task.WhenAll(callers);

        var stored = await store.GetAsync(Key, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(refresher.Calls, Is.EqualTo(1));
            Assert.That(results, Has.All.SameAs(stored));
        });
    }

    [Test]
    public async Task RefreshAsync_StressManyThreadsManyRotations_NeverTwoInFlightAndEachTokenSentOnce()
    {
        var refresher = new FakeRefresher();
        var (sut, store, _) = CreateSut(refresher);
        await SignInAsync(store);

        // 16 threads each refresh 200 times whatever they last saw: the coordinator must serialise and deduplicate.
        var workers = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 200; i++)
            {
                var seen = await store.GetAsync(Key, CancellationToken.None);
                await sut.RefreshAsync(Key, seen, CancellationToken.None);
            }
        })).ToArray();
        await Task.WhenAll(workers);

        var final = await store.GetAsync(Key, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(refresher.MaxInFlight, Is.EqualTo(1), "at most one refresh in flight per key");
            Assert.That(refresher.SentTokens, Is.Unique, "a refresh token goes to the server once");
            Assert.That(final!.Version, Is.EqualTo(refresher.Calls), "every refresh was stored, in order");
        });
    }

    [Test]
    public async Task RefreshAsync_StarterCancelled_RefreshCompletesAndIsStored()
    {
        var refresher = new FakeRefresher();
        refresher.CloseGate();
        var (sut, store, _) = CreateSut(refresher);
        var seen = await SignInAsync(store);
        using var cts = new CancellationTokenSource();

        var starter = sut.RefreshAsync(Key, seen, cts.Token);
        await refresher.Arrived;
        var waiter = sut.RefreshAsync(Key, seen, CancellationToken.None);
        await cts.CancelAsync();
        Assert.That(async () => await starter, Throws.InstanceOf<OperationCanceledException>());
        refresher.OpenGate();
        var result = await waiter;

        Assert.Multiple(async () =>
        {
            Assert.That(result.Version, Is.EqualTo(1));
            Assert.That(await store.GetAsync(Key, CancellationToken.None), Is.SameAs(result));
            Assert.That(refresher.Calls, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task RefreshAsync_WaitersNeverSeeSessionBeforeStoreHoldsIt()
    {
        var store = new GatedStore();
        var refresher = new FakeRefresher();
        var (sut, _, _) = CreateSut(refresher, store);
        var seen = await SignInAsync(store);
        store.HoldReplaces();

        var waiter = sut.RefreshAsync(Key, seen, CancellationToken.None);
        await store.ReplaceArrived;
        Assert.That(waiter.IsCompleted, Is.False, "the waiter must not complete while the store write is pending");
        store.ReleaseReplaces();
        var result = await waiter;

        Assert.That(await store.GetAsync(Key, CancellationToken.None), Is.SameAs(result));
    }

    [Test]
    public async Task RefreshAsync_Rejected_RemovesSessionRaisesEndedOnceAndFailsEveryWaiter()
    {
        var refresher = new FakeRefresher((_, _) => RefreshOutcome.Rejected(SessionEndReason.RefreshTokenAlreadyUsed, "refresh_token_already_used", 400, "Invalid Refresh Token: Already Used"));
        refresher.CloseGate();
        var (sut, store, _) = CreateSut(refresher);
        var seen = await SignInAsync(store);
        var ended = new List<SessionEndedEventArgs>();
        sut.SessionEnded += (_, e) => ended.Add(e);

        var waiters = Enumerable.Range(0, 20).Select(_ => sut.RefreshAsync(Key, seen, CancellationToken.None)).ToArray();
        await refresher.Arrived;
        refresher.OpenGate();

        foreach (var waiter in waiters)
        {
            var ex = Assert.ThrowsAsync<SessionEndedException>(async () => await waiter);
            Assert.That(ex!.Reason, Is.EqualTo(SessionEndReason.RefreshTokenAlreadyUsed));
        }

        Assert.Multiple(async () =>
        {
            Assert.That(await store.GetAsync(Key, CancellationToken.None), Is.Null);
            Assert.That(ended, Has.Count.EqualTo(1));
            Assert.That(ended[0].Reason, Is.EqualTo(SessionEndReason.RefreshTokenAlreadyUsed));
            Assert.That(ended[0].UserId, Is.EqualTo("user-1"));
            Assert.That(ended[0].ErrorCode, Is.EqualTo("refresh_token_already_used"));
        });
    }

    [Test]
    public async Task RefreshAsync_AfterEnd_FailsFastWithReasonAndNoCall()
    {
        var refresher = new FakeRefresher((_, _) => RefreshOutcome.Rejected(SessionEndReason.RefreshTokenNotFound, "refresh_token_not_found", 400, null));
        var (sut, store, _) = CreateSut(refresher);
        var seen = await SignInAsync(store);
        Assert.ThrowsAsync<SessionEndedException>(() => sut.RefreshAsync(Key, seen, CancellationToken.None));

        var ex = Assert.ThrowsAsync<SessionEndedException>(() => sut.RefreshAsync(Key, seen, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Reason, Is.EqualTo(SessionEndReason.RefreshTokenNotFound));
            Assert.That(refresher.Calls, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task RefreshAsync_RejectedButAnotherHolderRotated_AdoptsStoredSessionWithoutSignOut()
    {
        ITokenStore? sharedStore = null;
        Session? rotatedElsewhere = null;
        var refresher = new FakeRefresher((s, _) =>
        {
            // While our request was in flight another process rotated the session and stored it.
            rotatedElsewhere = Rotated(s);
            sharedStore!.SetAsync(Key, rotatedElsewhere, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            return RefreshOutcome.Rejected(SessionEndReason.RefreshTokenAlreadyUsed, "refresh_token_already_used", 400, null);
        });
        var (sut, store, _) = CreateSut(refresher);
        sharedStore = store;
        var seen = await SignInAsync(store);
        var ended = 0;
        sut.SessionEnded += (_, _) => ended++;

        var result = await sut.RefreshAsync(Key, seen, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result, Is.SameAs(rotatedElsewhere));
            Assert.That(ended, Is.Zero);
        });
    }

    [Test]
    public async Task RefreshAsync_TransientThenSuccess_RetriesWithTheSameRefreshToken()
    {
        var refresher = new FakeRefresher((s, call) => call < 3 ? RefreshOutcome.Transient("503", 503) : RefreshOutcome.Succeeded(FakeRefresher.Next(s)));
        var (sut, store, _) = CreateSut(refresher);
        var seen = await SignInAsync(store);

        var result = await sut.RefreshAsync(Key, seen, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(refresher.SentTokens, Is.EqualTo(new[] { seen.RefreshToken, seen.RefreshToken, seen.RefreshToken }));
            Assert.That(result.Version, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task RefreshAsync_TransientEveryTime_ThrowsTransientAndKeepsSession()
    {
        var refresher = new FakeRefresher((_, _) => RefreshOutcome.Transient("gateway", 502));
        var (sut, store, _) = CreateSut(refresher);
        var seen = await SignInAsync(store);

        var ex = Assert.ThrowsAsync<SessionRefreshException>(() => sut.RefreshAsync(Key, seen, CancellationToken.None));

        Assert.Multiple(async () =>
        {
            Assert.That(ex!.IsTransient, Is.True);
            Assert.That(ex.StatusCode, Is.EqualTo(502));
            Assert.That(refresher.Calls, Is.EqualTo(4), "one attempt and three retries");
            Assert.That(await store.GetAsync(Key, CancellationToken.None), Is.SameAs(seen));
        });
    }

    [Test]
    public async Task RefreshAsync_RetryAfterLongerThanMaxDelay_StopsRetrying()
    {
        var refresher = new FakeRefresher((_, _) => RefreshOutcome.Transient("rate limited", 429, retryAfter: TimeSpan.FromMinutes(5)));
        var (sut, store, _) = CreateSut(refresher);
        var seen = await SignInAsync(store);

        Assert.ThrowsAsync<SessionRefreshException>(() => sut.RefreshAsync(Key, seen, CancellationToken.None));

        Assert.That(refresher.Calls, Is.EqualTo(1));
    }

    [Test]
    public async Task RefreshAsync_Faulted_NotRetriedAndSessionKept()
    {
        var refresher = new FakeRefresher((_, _) => RefreshOutcome.Faulted("invalid client", 400, "invalid_client"));
        var (sut, store, _) = CreateSut(refresher);
        var seen = await SignInAsync(store);

        var ex = Assert.ThrowsAsync<SessionRefreshException>(() => sut.RefreshAsync(Key, seen, CancellationToken.None));

        Assert.Multiple(async () =>
        {
            Assert.That(ex!.IsTransient, Is.False);
            Assert.That(ex.ErrorCode, Is.EqualTo("invalid_client"));
            Assert.That(ex.Message, Does.Contain("configuration"));
            Assert.That(refresher.Calls, Is.EqualTo(1));
            Assert.That(await store.GetAsync(Key, CancellationToken.None), Is.SameAs(seen));
        });
    }

    [Test]
    public async Task RefreshAsync_RefresherThrows_TransientAndSessionKept()
    {
        var refresher = new FakeRefresher((_, _) => throw new InvalidOperationException("boom"));
        var (sut, store, _) = CreateSut(refresher, options: new RefreshOptions { MaxRetryAttempts = 0 });
        var seen = await SignInAsync(store);

        var ex = Assert.ThrowsAsync<SessionRefreshException>(() => sut.RefreshAsync(Key, seen, CancellationToken.None));

        Assert.Multiple(async () =>
        {
            Assert.That(ex!.InnerException, Is.InstanceOf<InvalidOperationException>());
            Assert.That(await store.GetAsync(Key, CancellationToken.None), Is.SameAs(seen));
        });
    }

    [Test]
    public async Task RefreshAsync_AttemptTimesOut_RetriedThenTransient()
    {
        var time = new FakeTimeProvider(Start);
        var refresher = new FakeRefresher();
        refresher.CloseGate();
        var (sut, store, _) = CreateSut(refresher, time: time, options: new RefreshOptions { MaxRetryAttempts = 1, RetryBaseDelay = TimeSpan.Zero, AttemptTimeout = TimeSpan.FromSeconds(5) });
        var seen = await SignInAsync(store);

        var call = sut.RefreshAsync(Key, seen, CancellationToken.None);
        await refresher.Arrived;
        refresher.CloseGate();
        time.Advance(TimeSpan.FromSeconds(5));
        await refresher.Arrived;
        time.Advance(TimeSpan.FromSeconds(5));

        var ex = Assert.ThrowsAsync<SessionRefreshException>(async () => await call);
        Assert.Multiple(async () =>
        {
            Assert.That(ex!.IsTransient, Is.True);
            Assert.That(refresher.SentTokens, Is.EqualTo(new[] { seen.RefreshToken, seen.RefreshToken }));
            Assert.That(await store.GetAsync(Key, CancellationToken.None), Is.SameAs(seen));
        });
    }

    [Test]
    public void RefreshAsync_NoSession_ThrowsSessionRequired()
    {
        var (sut, _, refresher) = CreateSut();

        Assert.ThrowsAsync<SessionRequiredException>(() => sut.RefreshAsync(Key, null, CancellationToken.None));
        Assert.That(refresher.Calls, Is.Zero);
    }

    [Test]
    public async Task RefreshAsync_EventHandlerThrows_RefreshStillSucceeds()
    {
        var (sut, store, _) = CreateSut();
        var seen = await SignInAsync(store);
        sut.SessionRefreshed += (_, _) => throw new InvalidOperationException("bad handler");
        var raised = 0;
        sut.SessionRefreshed += (_, _) => raised++;

        var result = await sut.RefreshAsync(Key, seen, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.Version, Is.EqualTo(1));
            Assert.That(raised, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task RefreshAsync_KeysAreIndependent_OneFlightPerKey()
    {
        var refresher = new FakeRefresher();
        refresher.CloseGate();
        var (sut, store, _) = CreateSut(refresher);
        var a = await SignInAsync(store, "user-a");
        var b = await SignInAsync(store, "user-b");

        var ta = sut.RefreshAsync("user-a", a, CancellationToken.None);
        var tb = sut.RefreshAsync("user-b", b, CancellationToken.None);
        while (refresher.Calls < 2)
        {
            await Task.Yield();
        }

        refresher.OpenGate();
        await Task.WhenAll(ta, tb);

        Assert.That(refresher.MaxInFlight, Is.EqualTo(2));
    }

    private static (RefreshCoordinator Sut, ITokenStore Store, FakeRefresher Refresher) CreateSut(
        FakeRefresher? refresher = null, ITokenStore? store = null, RefreshOptions? options = null, TimeProvider? time = null)
    {
        refresher ??= new FakeRefresher();
        store ??= new InMemoryTokenStore();
        options ??= new RefreshOptions { RetryBaseDelay = TimeSpan.Zero };
        return (new RefreshCoordinator(store, refresher, options, time ?? new FakeTimeProvider(Start)), store, refresher);
    }

    private static async Task<Session> SignInAsync(ITokenStore store, string key = Key)
    {
        var session = new Session { AccessToken = TestJwt.Create(), RefreshToken = "rt-initial-" + key, ExpiresAt = Start.AddMinutes(1) };
        await store.SetAsync(key, session, CancellationToken.None);
        return session;
    }

    private static Session Rotated(Session s) => new()
    {
        AccessToken = TestJwt.Create(),
        RefreshToken = "rt-" + Guid.NewGuid().ToString("N")[..12],
        ExpiresAt = s.ExpiresAt.AddHours(1),
        Version = s.Version + 1,
    };
}
