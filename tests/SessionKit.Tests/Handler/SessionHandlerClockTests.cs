// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using SessionKit.Tests.Support;

namespace SessionKit.Tests.Handler;

/// <summary>The handler judges expiry with the coordinator's clock, so its "refresh now" and the storm guard's "too early" never disagree.</summary>
[TestFixture]
[NonParallelizable]
[CancelAfter(60_000)]
public sealed class SessionHandlerClockTests
{
    private const string Api = "https://api.example.test";

    [Test]
    public void Constructor_OtherClockThanCoordinators_Throws()
    {
        var coordinator = new RefreshCoordinator(new InMemoryTokenStore(), new FakeRefresher(), timeProvider: new FakeTimeProvider());
        var options = new SessionHandlerOptions();
        options.AllowedOrigins.Add(new Uri(Api));

        var ex = Assert.Throws<ArgumentException>(() => new SessionHandler(coordinator, options, TimeProvider.System));

        Assert.That(ex!.ParamName, Is.EqualTo("timeProvider"));
    }

    [Test]
    public async Task SendAsync_ShortLivedTokensOnSystemClock_NeverHeldBackByStormGuardAtRefreshBoundary()
    {
        // Real time on purpose: the skew came from a coarse clock used only with TimeProvider.System. 100 ms tokens put a
        // refresh boundary every 50 ms (the margin and the storm guard are both capped at half the lifetime); a tight loop of
        // requests lands on each boundary. Every boundary request must refresh, none may be held back.
        var lifetime = TimeSpan.FromMilliseconds(100);
        var refresher = new FakeRefresher((_, call) =>
        {
            var now = TimeProvider.System.GetUtcNow();
            return RefreshOutcome.Succeeded(new Session { AccessToken = TestJwt.Create(), RefreshToken = "rt-" + call, IssuedAt = now, ExpiresAt = now + lifetime });
        });
        var logs = new FakeLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(logs));
        var store = new InMemoryTokenStore();
        using var coordinator = new RefreshCoordinator(store, refresher, logger: loggerFactory.CreateLogger<RefreshCoordinator>());
        var options = new SessionHandlerOptions();
        options.AllowedOrigins.Add(new Uri(Api));
        using var invoker = new HttpMessageInvoker(new SessionHandler(coordinator, options) { InnerHandler = new OkHandler() });
        var start = TimeProvider.System.GetUtcNow();
        await store.SetAsync("default", new Session { AccessToken = TestJwt.Create(), RefreshToken = "rt-0", IssuedAt = start, ExpiresAt = start + lifetime, Version = 1 }, CancellationToken.None);

        var until = TimeProvider.System.GetTimestamp() + TimeProvider.System.TimestampFrequency * 3 / 2;
        var requests = 0;
        while (TimeProvider.System.GetTimestamp() < until)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Api + "/me");
            (await invoker.SendAsync(request, CancellationToken.None)).Dispose();
            requests++;
        }

        var suppressed = logs.Collector.GetSnapshot().Count(r => r.Id.Name == "RefreshSuppressed");
        TestContext.Out.WriteLine($"{requests} requests, {refresher.Calls} refreshes, {suppressed} held back by the storm guard");
        Assert.Multiple(() =>
        {
            Assert.That(refresher.Calls, Is.GreaterThan(5), "the loop crossed several refresh boundaries");
            Assert.That(suppressed, Is.Zero, "the handler and the storm guard read one clock");
        });
    }

    private sealed class OkHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
    }
}
