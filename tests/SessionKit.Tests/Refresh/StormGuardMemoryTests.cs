// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.Time.Testing;
using SessionKit.Tests.Support;

namespace SessionKit.Tests.Refresh;

/// <summary>The storm guard's per-key memory with many keys (a server acting for many users): bounded, and swept at amortized constant cost.</summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class StormGuardMemoryTests
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task RefreshAsync_TenThousandKeysWithinTheGuardWindow_SweepWorkLinearAndMemoryFreedAfterTheWindow()
    {
        const int Keys = 10_000;
        var time = new FakeTimeProvider(Start);
        var store = new InMemoryTokenStore();
        using var coordinator = new RefreshCoordinator(store, new FakeRefresher(), new RefreshOptions { RetryBaseDelay = TimeSpan.Zero, CircuitBreakerEnabled = false }, time);
        var sessions = new Session[Keys];
        for (var i = 0; i < Keys; i++)
        {
            sessions[i] = new Session { AccessToken = "a" + i, RefreshToken = "r" + i, ExpiresAt = Start.AddSeconds(10), IssuedAt = Start.AddHours(-1), Version = 1 };
            await store.SetAsync("user-" + i, sessions[i], CancellationToken.None);
        }

        // Every user's token expires at once (say, all issued by one deployment): all refresh within the guard's window.
        await Task.WhenAll(Enumerable.Range(0, Keys).Select(i => coordinator.RefreshAsync("user-" + i, sessions[i], CancellationToken.None)));
        var scannedInBurst = coordinator.RecentEntriesScanned;
        time.Advance(TimeSpan.FromMinutes(1));
        var late = new Session { AccessToken = "late", RefreshToken = "late", ExpiresAt = Start.AddSeconds(10), Version = 1 };
        await store.SetAsync("late", late, CancellationToken.None);
        await coordinator.RefreshAsync("late", late, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(scannedInBurst, Is.LessThanOrEqualTo(4L * Keys), "sweeps of the guard's memory must cost amortized O(1) per refresh, not O(keys)");
            Assert.That(coordinator.RecentCount, Is.LessThanOrEqualTo(1), "entries older than the guard's window are freed at the next refresh");
        });
    }
}
