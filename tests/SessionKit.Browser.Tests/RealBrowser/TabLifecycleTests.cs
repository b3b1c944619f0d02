// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using SessionKit.Browser.Tests.Support;

namespace SessionKit.Browser.Tests.RealBrowser;

/// <summary>Tabs that sleep or die: a frozen tab wakes onto the newest session; a tab closed mid-refresh loses nothing.</summary>
[TestFixture]
public sealed class TabLifecycleTests : SampleBrowserFixture
{
    [Test]
    public async Task FrozenTab_WokenAfter10Seconds_AdoptsTheNewestSessionWithoutReuse(CancellationToken cancellationToken)
    {
        var tabs = Page.OpenSignedIn(2);
        var (awake, sleeper) = (tabs[0], tabs[1]);
        Browser.Switch(sleeper);
        Browser.Script("window.lifecycle = []; for (const e of ['freeze', 'resume']) document.addEventListener(e, () => window.lifecycle.push(e));");
        var beforeSleep = Page.Read(sleeper);
        await Host.ResetAsync(cancellationToken);

        Browser.DevTools("Page.setWebLifecycleState", new() { ["state"] = "frozen" });
        Browser.Switch(awake);
        var atFreeze = Page.Read(awake).Version!.Value;
        await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken); // the scenario: the tab stays frozen for 10 s
        var newest = Page.Read(awake).Version!.Value;
        var apiWhileFrozen = (await Host.CountersAsync(cancellationToken)).ApiRequests;
        Browser.Switch(sleeper);
        Browser.DevTools("Page.setWebLifecycleState", new() { ["state"] = "active" });

        Browser.Until(_ => Page.Read(sleeper) is { Version: { } v } && v >= newest, TimeSpan.FromSeconds(5), "the woken tab shows the newest session");
        Browser.Until(_ => Page.Read(sleeper).ApiOk >= beforeSleep.ApiOk + 5, TimeSpan.FromSeconds(5), "the woken tab calls the API again");
        var lifecycle = (Browser.Script("return window.lifecycle.join(',');") as string) ?? string.Empty;
        var woken = Page.Read(sleeper);
        Browser.Screenshot("frozen-tab-woken");
        var counters = await SettledCountersAsync(cancellationToken);
        var views = new[] { Page.Read(awake), woken };

        Print(views, counters);
        TestContext.Out.WriteLine($"Frozen at version {atFreeze}, woken at {newest} ({newest - atFreeze} rotations while frozen); page lifecycle events: {lifecycle}");
        Assert.Multiple(() =>
        {
            Assert.That(lifecycle, Is.EqualTo("freeze,resume"), "the tab was frozen, then resumed");
            Assert.That(newest - atFreeze, Is.GreaterThanOrEqualTo(5), "the other tab kept rotating while this one was frozen");
            Assert.That(apiWhileFrozen, Is.GreaterThan(0));
            Assert.That(woken.State, Is.EqualTo("signed-in"));
            Assert.That(counters.RefreshTokenAlreadyUsed, Is.Zero, "refresh_token_already_used");
            Assert.That(counters.Rejections.Values.Sum(), Is.Zero, "refresh rejections");
            Assert.That(counters.RefreshSuccesses, Is.EqualTo(counters.RefreshRequests));
            Assert.That(counters.ApiUnauthorized, Is.Zero, "API 401s at the server");
            Assert.That(views.Sum(v => v.Api401 + v.ApiErrors), Is.Zero, "API 401s and errors seen by the tabs");
        });
    }

    [Test]
    public async Task LockHoldingTab_ClosedMidRefresh_AnotherTabRefreshesAndNothingIsLost(CancellationToken cancellationToken)
    {
        var tabs = Page.OpenSignedIn(3);
        await Host.ResetAsync(cancellationToken);

        // The server rotates the next refresh at once and holds its answer 3 s: the tab that sent it holds the refresh lock
        // while it waits, and is closed before the answer comes. The rotated token is lost with it; its parent is in the store.
        await Host.DelayNextRefreshAnswerAsync(TimeSpan.FromSeconds(3), cancellationToken);
        await WaitForHeldRefreshAsync(TimeSpan.FromSeconds(10), cancellationToken);
        var holder = tabs.Single(t => Page.Read(t).Refreshing);
        var survivors = tabs.Where(t => t != holder).ToList();
        var atClose = survivors.Max(t => Page.Read(t).Version!.Value);
        Browser.Close(holder);

        Browser.Until(_ => survivors.All(t => Page.Read(t) is { Version: { } v } && v >= atClose + 3), TimeSpan.FromSeconds(15), "the other tabs rotate on");
        var counters = await SettledCountersAsync(cancellationToken);
        var views = survivors.Select(Page.Read).ToList();
        Print(views, counters);
        Assert.Multiple(() =>
        {
            Assert.That(counters.FaultsApplied, Is.EqualTo(1), "the held refresh");
            Assert.That(counters.RefreshSuccesses, Is.GreaterThanOrEqualTo(4), "the lost rotation, then the survivors' three");
            Assert.That(views.Select(v => v.State), Is.All.EqualTo("signed-in"));
            Assert.That(views.Sum(v => v.RefreshesSent), Is.GreaterThanOrEqualTo(1), "a surviving tab refreshed after the close");
            Assert.That(counters.RefreshTokenAlreadyUsed, Is.Zero, "refresh_token_already_used");
            Assert.That(counters.Rejections.Values.Sum(), Is.Zero, "refresh rejections");
            Assert.That(counters.RefreshSuccesses, Is.EqualTo(counters.RefreshRequests), "every refresh was accepted, the parent of the lost rotation's token included");
            Assert.That(views.Sum(v => v.ApiErrors), Is.Zero, "API errors seen by the tabs");
        });
    }
}
