// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.DependencyInjection;
using Microsoft.JSInterop;
using SessionKit.Browser.Tests.Support;
using SessionKit.Testing;

namespace SessionKit.Browser.Tests.Refresh;

/// <summary>
/// Tabs as Blazor wires them (each its own service provider, coordinator and store, all on one <see cref="FakeBrowser"/>), against
/// a real GoTrue-compatible server on loopback.
/// </summary>
[TestFixture]
public sealed class CrossTabRefreshTests
{
    private const string Email = "ada@example.test";

    [Test]
    public async Task GetAccessTokenAsync_FiveTabsAtOnceOnAnExpiredSession_OneRefreshAndEveryTabGetsItsToken()
    {
        await using var server = await GoTrueTestServer.StartAsync(new GoTrueTestServerOptions { ReuseInterval = TimeSpan.Zero });
        server.AddUser(Email, "pw");
        var browser = new FakeBrowser();
        var tabs = new List<ServiceProvider>();
        try
        {
            for (var i = 0; i < 5; i++)
            {
                tabs.Add(await OpenTabAsync(browser, server));
            }

            var issued = server.IssueSession(Email);
            await tabs[0].GetRequiredService<SessionClient>().SetSessionAsync(Sessions.From(issued, DateTimeOffset.UtcNow.AddMinutes(-1)));

            var tokens = await Task.WhenAll(tabs.SelectMany(t => Enumerable.Range(0, 20).Select(_ => t.GetRequiredService<SessionClient>().GetAccessTokenAsync())));

            Assert.Multiple(() =>
            {
                Assert.That(server.Counters.RefreshRequests, Is.EqualTo(1), "one refresh for every tab");
                Assert.That(server.Counters.RejectionsOf("refresh_token_already_used"), Is.Zero);
                Assert.That(tokens.Distinct().Count(), Is.EqualTo(1));
                Assert.That(tokens[0], Is.Not.EqualTo(issued.AccessToken));
            });
        }
        finally
        {
            foreach (var tab in tabs)
            {
                await tab.DisposeAsync();
            }
        }
    }

    [Test]
    public async Task SignOutAsync_InOneTab_EveryOtherTabRaisesSessionEndedOnceWithTheReason()
    {
        await using var server = await GoTrueTestServer.StartAsync();
        server.AddUser(Email, "pw");
        var browser = new FakeBrowser();
        await using var a = await OpenTabAsync(browser, server);
        await using var b = await OpenTabAsync(browser, server);
        await using var c = await OpenTabAsync(browser, server);
        await a.GetRequiredService<SessionClient>().SignInWithPasswordAsync(Email, "pw");
        var ends = new List<(string Tab, SessionEndReason Reason)>();
        b.GetRequiredService<SessionClient>().SessionEnded += (_, e) => ends.Add(("b", e.Reason));
        c.GetRequiredService<SessionClient>().SessionEnded += (_, e) => ends.Add(("c", e.Reason));

        await a.GetRequiredService<SessionClient>().SignOutAsync();
        await WaitUntilAsync(() => ends.Count >= 2);

        // Using the session afterwards reports nothing new.
        Assert.That(async () => await b.GetRequiredService<SessionClient>().GetAccessTokenAsync(), Throws.InstanceOf<SessionEndedException>());
        Assert.That(ends.Order().ToArray(), Is.EqualTo(new[] { ("b", SessionEndReason.SignedOut), ("c", SessionEndReason.SignedOut) }));
    }

    [Test]
    public async Task GetAccessTokenAsync_StaleCopyPutBackInStorage_OneCleanEndInEveryTabNoLoop()
    {
        await using var server = await GoTrueTestServer.StartAsync(new GoTrueTestServerOptions { ReuseInterval = TimeSpan.Zero });
        server.AddUser(Email, "pw");
        var browser = new FakeBrowser();
        await using var a = await OpenTabAsync(browser, server);
        await using var b = await OpenTabAsync(browser, server);
        var client = a.GetRequiredService<SessionClient>();
        await client.SignInWithPasswordAsync(Email, "pw");
        var stale = browser.LocalStorage["sessionkit:session:default"];
        await client.RefreshAsync();
        await client.RefreshAsync();
        var ends = new List<string>();
        a.GetRequiredService<SessionClient>().SessionEnded += (_, e) => ends.Add("a:" + e.Reason);
        b.GetRequiredService<SessionClient>().SessionEnded += (_, e) => ends.Add("b:" + e.Reason);

        // A copy of an old session put back (a restored profile, a script): its refresh token is two rotations old.
        browser.WriteFromOutside("sessionkit:session:default", stale);
        var refreshesBefore = server.Counters.RefreshRequests;
        Assert.That(async () => await client.RefreshAsync(), Throws.InstanceOf<SessionEndedException>());
        await WaitUntilAsync(() => ends.Count >= 2);
        for (var i = 0; i < 5; i++)
        {
            Assert.That(async () => await b.GetRequiredService<SessionClient>().GetAccessTokenAsync(), Throws.InstanceOf<SessionEndedException>());
        }

        Assert.Multiple(() =>
        {
            Assert.That(server.Counters.RefreshRequests - refreshesBefore, Is.EqualTo(1), "one refresh with the stale token, no loop");
            Assert.That(ends.Order().ToArray(), Is.EqualTo(new[] { "a:RefreshTokenAlreadyUsed", "b:RefreshTokenAlreadyUsed" }));
        });
    }

    private static async Task<ServiceProvider> OpenTabAsync(FakeBrowser browser, GoTrueTestServer server)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IJSRuntime>(browser.OpenTab());
        services.AddSessionKit(o => o.UseGoTrue(server.AuthUrl)).AddBrowserStore();
        var provider = services.BuildServiceProvider();
        await provider.StartSessionKitBrowserAsync();
        return provider;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(10, deadline.Token);
        }
    }
}
