// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using SessionKit.Browser.Tests.Support;

namespace SessionKit.Browser.Tests.RealBrowser;

/// <summary>
/// The Blazor sample in headless Chromium, several tabs of one browser sharing one session, against the sample host (the
/// GoTrue test server with 2-second tokens and a reuse interval of zero, so any reuse of a refresh token but the parent's is
/// rejected) run as a real process.
/// </summary>
[TestFixture]
[Category("Browser")]
[NonParallelizable]
[CancelAfter(180_000)]
public sealed class SampleInBrowserTests
{
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromSeconds(2);
    private SampleHost _host = null!;
    private HeadlessChromium _browser = null!;
    private SamplePage _page = null!;

    [OneTimeSetUp]
    public async Task StartHost() => _host = await SampleHost.StartAsync(TokenLifetime, reuseInterval: TimeSpan.Zero, CancellationToken.None);

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [SetUp]
    public async Task StartBrowser()
    {
        await _host.ResetAsync(CancellationToken.None);
        _browser = HeadlessChromium.Start();
        _page = new SamplePage(_browser, _host.BaseAddress);
    }

    [TearDown]
    public void StopBrowser()
    {
        _browser.Dispose();
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
        {
            TestContext.Out.WriteLine("Sample host output:" + Environment.NewLine + _host.Output);
        }
    }

    [Test]
    public async Task SignIn_OneTab_PollsTheApiAndRotates(CancellationToken cancellationToken)
    {
        var tab = _page.Open();
        _page.SignIn(tab);
        var first = _page.Read(tab);

        _browser.Until(_ => _page.Read(tab) is { Version: { } v, ApiOk: > 5 } && v >= first.Version + 2, TimeSpan.FromSeconds(15), "two rotations");
        var view = _page.Read(tab);
        var counters = await _host.CountersAsync(cancellationToken);
        _browser.Screenshot("signed-in");

        TestContext.Out.WriteLine(view);
        TestContext.Out.WriteLine(counters);
        Assert.Multiple(() =>
        {
            Assert.That(view.State, Is.EqualTo("signed-in"));
            Assert.That(view.Api401 + view.ApiErrors, Is.Zero);
            Assert.That(counters.RefreshSuccesses, Is.EqualTo(counters.RefreshRequests).And.GreaterThanOrEqualTo(2));
            Assert.That(counters.ApiUnauthorized, Is.Zero);
        });
    }
}
