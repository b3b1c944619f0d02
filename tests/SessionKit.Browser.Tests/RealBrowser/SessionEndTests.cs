// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Globalization;
using SessionKit.Browser.Tests.Support;

namespace SessionKit.Browser.Tests.RealBrowser;

/// <summary>A session ends once for every tab: by a sign-out in one tab, or by a stale refresh token the server rejects.</summary>
[TestFixture]
public sealed class SessionEndTests : SampleBrowserFixture
{
    private const string StorageKey = "sessionkit:session:default";

    [Test]
    public async Task SignOut_InOneTab_EveryTabShowsSignedOutWithin1Second(CancellationToken cancellationToken)
    {
        var tabs = Page.OpenSignedIn(3);
        Browser.Switch(tabs[0]);

        // The second starts when the click reaches the page (the first listener of all, at the window, in the capture phase),
        // not before the driver's click command: under load the driver's own round trips took part of the second.
        Browser.Script("window.addEventListener('click', () => { window.skClickedAt = Date.now(); }, { capture: true, once: true });");
        Browser.Click("sign-out");
        foreach (var tab in tabs)
        {
            Page.WaitFor(tab, "signed-out", TimeSpan.FromSeconds(5));
        }

        Browser.Switch(tabs[0]);
        var clickedAt = Convert.ToInt64(Browser.Script("return window.skClickedAt;"), CultureInfo.InvariantCulture);

        var views = tabs.Select(Page.Read).ToList();
        Browser.Switch(tabs[1]);
        Browser.Screenshot("signed-out");
        var counters = await SettledCountersAsync(cancellationToken);
        Print(views, counters);
        TestContext.Out.WriteLine("Signed out after (ms): " + string.Join(", ", views.Select(v => v.Since - clickedAt)));
        Assert.Multiple(() =>
        {
            Assert.That(views.Select(v => v.Since - clickedAt), Is.All.InRange(0, 1000), "each tab signed out within 1 s of the click");
            Assert.That(views.Select(v => v.EndReason), Is.All.EqualTo("SignedOut"));
            Assert.That(counters.Logouts, Is.EqualTo(1), "one /logout");
        });
    }

    [Test]
    public async Task StaleRefreshToken_PutBackByScript_EndsOnceInEveryTabWithoutARefreshLoop(CancellationToken cancellationToken)
    {
        var tabs = Page.OpenSignedIn(3);
        Browser.Switch(tabs[0]);
        var copy = (string)Browser.Script("return localStorage.getItem(arguments[0]);", StorageKey)!;
        var copied = Page.Read(tabs[0]).Version!.Value;
        Browser.Until(_ => Page.Read(tabs[0]).Version >= copied + 2, TimeSpan.FromSeconds(10), "two rotations after the copy");
        await Host.ResetAsync(cancellationToken);

        Browser.Script("localStorage.setItem(arguments[0], arguments[1]);", StorageKey, copy);
        foreach (var tab in tabs)
        {
            Page.WaitFor(tab, "signed-out", TimeSpan.FromSeconds(10));
        }

        var views = tabs.Select(Page.Read).ToList();
        Browser.Switch(tabs[1]);
        Browser.Screenshot("session-ended");
        var atEnd = await SettledCountersAsync(cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken); // three token lifetimes later: nothing more is sent
        var later = await SettledCountersAsync(cancellationToken);
        Print(views, later);
        Assert.Multiple(() =>
        {
            Assert.That(views.Select(v => v.EndReason), Is.All.EqualTo("RefreshTokenAlreadyUsed"), "the reason, in every tab");
            Assert.That(atEnd.RefreshTokenAlreadyUsed, Is.EqualTo(1), "one rejected refresh: one clean end");
            Assert.That(later.RefreshRequests, Is.EqualTo(atEnd.RefreshRequests), "no refresh after the end");
            Assert.That(later.ApiRequests, Is.EqualTo(atEnd.ApiRequests), "no API call after the end");
        });
    }
}
