// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Diagnostics;
using NUnit.Framework.Interfaces;
using SessionKit.Browser.Tests.Support;

namespace SessionKit.Browser.Tests.RealBrowser;

/// <summary>
/// The Blazor sample in headless Chromium against its host, run as a real process: the GoTrue test server with 2-second
/// tokens and a reuse interval of zero (any reuse of a refresh token but the active one's parent is rejected and revokes the
/// session), the API and the app on one origin. Each test gets a fresh browser (fresh localStorage) and fresh counters.
/// </summary>
[Category("Browser")]
[NonParallelizable]
[CancelAfter(120_000)]
public abstract class SampleBrowserFixture
{
    protected static readonly TimeSpan TokenLifetime = TimeSpan.FromSeconds(2);

    internal SampleHost Host { get; private set; } = null!;

    internal HeadlessChromium Browser { get; private set; } = null!;

    internal SamplePage Page { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartHost() => Host = await SampleHost.StartAsync(TokenLifetime, reuseInterval: TimeSpan.Zero, CancellationToken.None);

    [OneTimeTearDown]
    public async Task StopHost() => await Host.DisposeAsync();

    [SetUp]
    public async Task StartBrowser()
    {
        await Host.ResetAsync(CancellationToken.None);
        Browser = HeadlessChromium.Start();
        Page = new SamplePage(Browser, Host.BaseAddress);
    }

    [TearDown]
    public void StopBrowser()
    {
        Browser.Dispose();
        if (TestContext.CurrentContext.Result.Outcome.Status == TestStatus.Failed)
        {
            TestContext.Out.WriteLine("Sample host output:" + Environment.NewLine + Host.Output);
        }
    }

    /// <summary>Reads the host's counters once no refresh is in flight, so requests and their answers are counted alike.</summary>
    internal async Task<DemoCounters> SettledCountersAsync(CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var counters = await Host.CountersAsync(cancellationToken);
            if (counters.RefreshesInFlight == 0 || waited.Elapsed > TimeSpan.FromSeconds(10))
            {
                return counters;
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>Waits until the host reports a refresh in flight.</summary>
    internal async Task WaitForRefreshInFlightAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while ((await Host.CountersAsync(cancellationToken)).RefreshesInFlight == 0)
        {
            Assert.That(waited.Elapsed, Is.LessThan(timeout), "no refresh reached the token server");
            await Task.Delay(20, cancellationToken);
        }
    }

    internal static void Print(IEnumerable<TabView> views, DemoCounters counters)
    {
        foreach (var view in views)
        {
            TestContext.Out.WriteLine(view);
        }

        TestContext.Out.WriteLine("Server: " + counters);
    }
}
