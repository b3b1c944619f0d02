// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using SessionKit.Tests.Support;

namespace SessionKit.Tests.Telemetry;

/// <summary>The refresh resilience pipeline's own events (circuit state changes, attempt timeouts) reach SessionKit's logs and meter.</summary>
[TestFixture]
public sealed class RefreshPipelineTelemetryTests
{
    private const string Key = "default";
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task RefreshAsync_StoreLockUnreachable_DurationTaggedStoreUnavailableNotError()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = services.GetRequiredService<IMeterFactory>();
        using var durations = new MetricCollector<double>(meterFactory, "SessionKit", "sessionkit.refresh.duration");
        var store = new UnavailableLockStore();
        await store.SetAsync(Key, NewSession(), CancellationToken.None);
        var refresher = new FakeRefresher((session, _) => RefreshOutcome.Succeeded(FakeRefresher.Next(session)));
        using var sut = new RefreshCoordinator(store, refresher, new RefreshOptions { MinimumRefreshInterval = TimeSpan.Zero }, new FakeTimeProvider(Start), meterFactory: meterFactory);

        var error = Assert.ThrowsAsync<TokenStoreException>(() => sut.RefreshAsync(Key, null, CancellationToken.None));

        // The duration is recorded as the flight ends, which may be just after its waiter saw the exception.
        await durations.WaitForMeasurementsAsync(1).WaitAsync(TimeSpan.FromSeconds(10));
        var tags = durations.GetMeasurementSnapshot().Single().Tags;
        Assert.Multiple(() =>
        {
            Assert.That(error!.IsTransient, Is.True);
            Assert.That(tags["sessionkit.refresh.outcome"], Is.EqualTo("store_unavailable"));
            Assert.That(tags["error.type"], Is.EqualTo("store_unavailable"));
            Assert.That(refresher.Calls, Is.Zero);
        });
    }

    [Test]
    public async Task RefreshAsync_CircuitOpensThenRecovers_LogsAndCountsEachStateChange()
    {
        var time = new FakeTimeProvider(Start);
        var refresher = new FakeRefresher((session, call) => call <= 2 ? RefreshOutcome.Transient("server error", 503) : RefreshOutcome.Succeeded(FakeRefresher.Next(session)));
        var options = new RefreshOptions
        {
            MaxRetryAttempts = 0,
            MinimumRefreshInterval = TimeSpan.Zero,
            CircuitBreakerMinimumThroughput = 2,
            CircuitBreakerFailureRatio = 0.5,
            CircuitBreakerBreakDuration = TimeSpan.FromSeconds(30),
        };
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = services.GetRequiredService<IMeterFactory>();
        using var changes = new MetricCollector<long>(meterFactory, "SessionKit", "sessionkit.refresh.circuit_state_changes");
        var logger = new FakeLogger<RefreshCoordinator>();
        var store = new InMemoryTokenStore();
        await store.SetAsync(Key, NewSession(), CancellationToken.None);
        using var sut = new RefreshCoordinator(store, refresher, options, time, logger, meterFactory);

        // Two transient failures open the circuit; a third call is refused by it without reaching the token endpoint.
        for (var i = 0; i < 3; i++)
        {
            Assert.ThrowsAsync<SessionRefreshException>(() => sut.RefreshAsync(Key, null, CancellationToken.None));
        }

        Assert.That(refresher.Calls, Is.EqualTo(2));

        // After the break the next refresh probes (half-open), succeeds, and the circuit closes.
        time.Advance(options.CircuitBreakerBreakDuration + TimeSpan.FromSeconds(1));
        await sut.RefreshAsync(Key, null, CancellationToken.None);

        var events = logger.Collector.GetSnapshot().Select(r => r.Id.Name).Where(n => n is "CircuitOpened" or "CircuitHalfOpened" or "CircuitClosed").ToArray();
        var states = changes.GetMeasurementSnapshot().Select(m => (string?)m.Tags["sessionkit.circuit.state"]).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(events, Is.EqualTo(new[] { "CircuitOpened", "CircuitHalfOpened", "CircuitClosed" }));
            Assert.That(logger.Collector.GetSnapshot().Where(r => r.Id.Name is "CircuitHalfOpened" or "CircuitClosed").Select(r => r.Id.Id), Is.EqualTo(new[] { 231, 230 }));
            Assert.That(states, Is.EqualTo(new[] { "open", "half_open", "closed" }));
        });
    }

    [Test]
    public async Task RefreshAsync_AttemptGetsNoAnswer_LogsAndCountsTimeout()
    {
        var time = new FakeTimeProvider(Start);
        var refresher = new FakeRefresher();
        var options = new RefreshOptions { MaxRetryAttempts = 0, CircuitBreakerEnabled = false, AttemptTimeout = TimeSpan.FromSeconds(5) };
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = services.GetRequiredService<IMeterFactory>();
        using var timeouts = new MetricCollector<long>(meterFactory, "SessionKit", "sessionkit.refresh.attempt_timeouts");
        var logger = new FakeLogger<RefreshCoordinator>();
        var store = new InMemoryTokenStore();
        await store.SetAsync(Key, NewSession(), CancellationToken.None);
        using var sut = new RefreshCoordinator(store, refresher, options, time, logger, meterFactory);
        refresher.CloseGate();

        var refresh = sut.RefreshAsync(Key, null, CancellationToken.None);
        await refresher.Arrived;
        time.Advance(options.AttemptTimeout + TimeSpan.FromSeconds(1));

        Assert.ThrowsAsync<SessionRefreshException>(() => refresh);
        var timedOut = logger.Collector.GetSnapshot().Where(r => r.Id.Name == "RefreshAttemptTimedOut").ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(timedOut, Has.Length.EqualTo(1));
            Assert.That(timedOut.Single().Id.Id, Is.EqualTo(232));
            Assert.That(timeouts.GetMeasurementSnapshot().Sum(m => m.Value), Is.EqualTo(1));
        });
    }

    private static Session NewSession() => new() { AccessToken = TestJwt.Create(), RefreshToken = "rt-initial", ExpiresAt = Start.AddMinutes(1) };
}
