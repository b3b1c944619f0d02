// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Globalization;

namespace SessionKit.Browser.Tests.Support;

/// <summary>The Blazor sample's page in the tabs of one <see cref="HeadlessChromium"/>: open, sign in, read what a tab shows.</summary>
internal sealed class SamplePage(HeadlessChromium browser, Uri baseAddress)
{
    /// <summary>How long a tab may take to start the .NET runtime and render (Debug build, two busy cores).</summary>
    private static readonly TimeSpan LoadTimeout = TimeSpan.FromSeconds(60);

    public HeadlessChromium Browser => browser;

    /// <summary>Opens the page with <paramref name="query"/> in a new tab and waits until it has rendered its state.</summary>
    public string Open(string query = "?poll=200")
    {
        var tab = browser.OpenTab(new Uri(baseAddress, query));
        browser.Until(_ => browser.Attribute("status", "data-state") is "signed-in" or "signed-out", LoadTimeout, "the page rendered");
        return tab;
    }

    public void SignIn(string tab)
    {
        browser.Switch(tab);
        browser.Click("sign-in");
        WaitFor(tab, "signed-in", TimeSpan.FromSeconds(10));
    }

    public void WaitFor(string tab, string state, TimeSpan timeout)
    {
        browser.Switch(tab);
        browser.Until(_ => browser.Attribute("status", "data-state") == state, timeout, $"tab state '{state}'");
    }

    /// <summary>Opens <paramref name="count"/> tabs, signs in in the first, and waits until every tab shows the shared session.</summary>
    public List<string> OpenSignedIn(int count, string query = "?poll=200")
    {
        var tabs = new List<string> { Open(query) };
        SignIn(tabs[0]);
        for (var i = 1; i < count; i++)
        {
            var tab = Open(query);
            WaitFor(tab, "signed-in", TimeSpan.FromSeconds(5));
            tabs.Add(tab);
        }

        return tabs;
    }

    public TabView Read(string tab)
    {
        browser.Switch(tab);
        return new TabView(
            browser.Attribute("status", "data-state") ?? "?",
            long.Parse(browser.Attribute("status", "data-since") ?? "0", CultureInfo.InvariantCulture),
            browser.Text("tab-id") ?? "?",
            Optional("version"),
            Optional("api-ok") ?? 0,
            Optional("api-401") ?? 0,
            Optional("api-errors") ?? 0,
            Optional("tab-refreshes") ?? 0,
            browser.Attribute("refreshing", "hidden") is null && browser.Text("refreshing") is not null,
            browser.Attribute("end-reason", "data-reason"));
    }

    private long? Optional(string id) =>
        browser.Text(id) is { } text && long.TryParse(text.TrimEnd(' ', '…'), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}
