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
    public async Task StartHost()
    {
        if (!HeadlessChromium.IsInstalled)
        {
            Assert.Ignore(HeadlessChromium.InstallHint);
        }

        Host = await SampleHost.StartAsync(TokenLifetime, reuseInterval: TimeSpan.Zero, CancellationToken.None);
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }
    }

    [SetUp]
    public async Task StartBrowser()
    {
        await Host.ResetAsync(CancellationToken.None);
        Browser = HeadlessChromium.Start();
        Page = new SamplePage(Browser, Host.BaseAddress);
    }

    [TearDown]
    public async Task StopBrowser()
    {
        try
        {
            if (TestContext.CurrentContext.Result.Outcome.Status == TestStatus.Failed)
            {
                await PrintStateAsync();
            }
        }
        finally
        {
            Browser.Dispose();
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

    /// <summary>Waits until a refresh reached the server's queued fault.</summary>
    internal async Task WaitForHeldRefreshAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        while ((await Host.CountersAsync(cancellationToken)).FaultsApplied == 0)
        {
            Assert.That(waited.Elapsed, Is.LessThan(timeout), "no refresh reached the token server");
            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>What every open tab shows, its Web Locks and its storage, the server's counters and the host's output: for a failed test.</summary>
    private async Task PrintStateAsync()
    {
        foreach (var tab in Browser.Driver.WindowHandles)
        {
            try
            {
                TestContext.Out.WriteLine(Page.Read(tab));
                TestContext.Out.WriteLine("  locks: " + Browser.ScriptAsync("navigator.locks.query().then(q => done(JSON.stringify(q)));"));
                TestContext.Out.WriteLine("  storage: " + Browser.Script("return JSON.stringify(Object.fromEntries(Object.entries(localStorage).map(([k, v]) => [k, v.length > 200 ? v.substring(0, 200) + '…' : v])));"));
                Browser.Screenshot("failed-" + Page.Read(tab).TabId);
            }
            catch (OpenQA.Selenium.WebDriverException e)
            {
                TestContext.Out.WriteLine($"tab {tab}: {e.Message}");
            }
        }

        TestContext.Out.WriteLine("Server: " + await Host.CountersAsync(CancellationToken.None));
        TestContext.Out.WriteLine("Sample host output:" + Environment.NewLine + Host.Output);
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
