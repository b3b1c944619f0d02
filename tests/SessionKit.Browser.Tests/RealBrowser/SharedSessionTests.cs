// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using SessionKit.Browser.Tests.Support;

namespace SessionKit.Browser.Tests.RealBrowser;

/// <summary>Several tabs calling the API through one shared session: one refresh per rotation, whichever tab makes it.</summary>
[TestFixture]
public sealed class SharedSessionTests : SampleBrowserFixture
{
    [Test]
    public async Task SignIn_OneTab_PollsTheApiAndRotates(CancellationToken cancellationToken)
    {
        var tab = Page.Open();
        Page.SignIn(tab);
        var first = Page.Read(tab);

        Browser.Until(_ => Page.Read(tab) is { Version: { } v, ApiOk: > 5 } && v >= first.Version + 2, TimeSpan.FromSeconds(15), "two rotations");
        var view = Page.Read(tab);
        var counters = await SettledCountersAsync(cancellationToken);

        Print([view], counters);
        Assert.Multiple(() =>
        {
            Assert.That(view.State, Is.EqualTo("signed-in"));
            Assert.That(view.Api401 + view.ApiErrors, Is.Zero);
            Assert.That(counters.RefreshSuccesses, Is.EqualTo(counters.RefreshRequests).And.GreaterThanOrEqualTo(2));
            Assert.That(counters.ApiUnauthorized, Is.Zero);
        });
    }

    [Test]
    public Task FiveTabs_PollFor30Seconds_OneRefreshPerRotationNoReuseNo401(CancellationToken cancellationToken) =>
        FiveTabsAsync("?poll=200", TimeSpan.FromSeconds(30), "signed-in", cancellationToken);

    [Test]
    public Task FiveTabsWithoutWebLocks_PollFor10Seconds_LeaseLockKeepsOneRefreshPerRotation(CancellationToken cancellationToken) =>
        FiveTabsAsync("?poll=200&weblocks=off", TimeSpan.FromSeconds(10), screenshot: null, cancellationToken);

    private async Task FiveTabsAsync(string query, TimeSpan duration, string? screenshot, CancellationToken cancellationToken)
    {
        var tabs = Page.OpenSignedIn(5, query);
        var webLocks = Browser.Attribute("store-kind", "data-web-locks");
        await Host.ResetAsync(cancellationToken);
        var before = tabs.Select(Page.Read).ToList();

        await Task.Delay(duration, cancellationToken); // the scenario: five tabs polling the API every 200 ms
        var counters = await SettledCountersAsync(cancellationToken);
        var after = tabs.Select(Page.Read).ToList();
        if (screenshot is not null)
        {
            Browser.Switch(tabs[2]);
            Browser.Screenshot(screenshot);
        }

        // The access token lives 2 s and is refreshed 1 s before expiry (the margin is capped at half the lifetime): about
        // one rotation a second for the whole browser, not one per tab.
        var expected = duration / (TokenLifetime - (TokenLifetime / 2));
        var rotations = after.Max(v => v.Version!.Value) - before.Max(v => v.Version!.Value);
        Print(after, counters);
        TestContext.Out.WriteLine(
            $"{duration.TotalSeconds} s, 5 tabs, Web Locks {webLocks}: {counters.RefreshRequests} refresh requests, {counters.RefreshSuccesses} successes, "
            + $"{rotations} rotations seen by the tabs (about {expected:0} expected), {counters.RefreshTokenAlreadyUsed} refresh_token_already_used, "
            + $"{counters.ApiRequests} API requests, {counters.ApiUnauthorized} API 401s; refreshes sent per tab: "
            + string.Join(", ", after.Zip(before, (a, b) => a.RefreshesSent - b.RefreshesSent)));
        Assert.Multiple(() =>
        {
            Assert.That(webLocks, Is.EqualTo(query.Contains("weblocks=off", StringComparison.Ordinal) ? "off" : "on"), "the lock the tabs use");
            Assert.That(counters.RefreshTokenAlreadyUsed, Is.Zero, "refresh_token_already_used");
            Assert.That(counters.Rejections.Values.Sum(), Is.Zero, "refresh rejections");
            Assert.That(counters.ApiUnauthorized, Is.Zero, "API 401s at the server");
            Assert.That(after.Select(v => v.State), Is.All.EqualTo("signed-in"));
            Assert.That(after.Sum(v => v.Api401 + v.ApiErrors), Is.Zero, "API 401s and errors seen by the tabs");
            Assert.That(counters.RefreshSuccesses, Is.EqualTo(counters.RefreshRequests), "every refresh request rotated");
            Assert.That(rotations, Is.InRange(counters.RefreshSuccesses - 1, counters.RefreshSuccesses + 1), "one new session version per rotation");
            Assert.That(counters.RefreshRequests, Is.InRange(expected * 0.5, expected * 1.5), "about one refresh per token lifetime minus margin, not one per tab");
            Assert.That(after.Max(v => v.Version!.Value) - after.Min(v => v.Version!.Value), Is.LessThanOrEqualTo(1), "every tab on the newest session");
            Assert.That(counters.ApiRequests, Is.GreaterThan(duration.TotalSeconds * 5 * 2), "the tabs kept polling");
        });
    }
}
