// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using SessionKit.AspNetCore.Tests.Support;
using SessionKit.Samples.Web;

namespace SessionKit.AspNetCore.Tests;

/// <summary>
/// The demo in a real browser (headless Chromium through Selenium): sign in through the form, five dashboard tabs on 2-second
/// tokens for 20 s (SESSIONKIT_BROWSER_SECONDS), a forced reuse that sends every tab to the sign-in page with the reason, and a
/// sign-out in one tab that the others follow. Screenshots are attached to the test.
/// </summary>
[TestFixture]
[NonParallelizable]
[CancelAfter(150_000)]
public sealed class BrowserTests
{
    private const string Email = "ada@example.test";
    private const string Password = "correct horse battery staple";
    private const int Tabs = 5;

    private static TimeSpan Duration =>
        TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("SESSIONKIT_BROWSER_SECONDS"), CultureInfo.InvariantCulture, out var s) ? s : 20);

    [Test]
    public async Task Dashboard_FiveTabsTwoSecondTokens_FreshEverywhereThenReuseAndSignOutReachEveryTab()
    {
        var profile = Directory.CreateTempSubdirectory("sessionkit-chromium-");
        await using var demo = await DemoHost.StartAsync(TimeSpan.FromSeconds(2));
        var refreshes = 0;
        demo.Web.Services.GetRequiredService<RefreshCoordinator>().SessionRefreshed += (_, _) => Interlocked.Increment(ref refreshes);
        using var browser = Chromium.Start(profile.FullName);
        try
        {
            // Sign in through the form.
            browser.Navigate().GoToUrl(demo.WebUrl);
            Assert.That(browser.Url, Does.Contain("/signin"));
            SignIn(browser);
            Screenshot(browser, "signin.png");
            browser.FindElement(By.Id("submit")).Click();
            WaitUntil(browser, b => b.Url == demo.WebUrl.ToString() && Updates(b) > 0, "the dashboard shows data after sign-in");

            // Five tabs of the dashboard.
            for (var i = 1; i < Tabs; i++)
            {
                browser.SwitchTo().NewWindow(WindowType.Tab);
                browser.Navigate().GoToUrl(demo.WebUrl);
            }

            var tabs = browser.WindowHandles.ToArray();
            Assert.That(tabs, Has.Length.EqualTo(Tabs));
            var key = demo.KeyOf(browser);
            var store = demo.Store();
            var started = TimeProvider.System.GetTimestamp();
            var lastUpdates = new int[Tabs];
            var stale = new List<string>();
            while (TimeProvider.System.GetElapsedTime(started) < Duration)
            {
                await Task.Delay(TimeSpan.FromSeconds(2));
                for (var i = 0; i < Tabs; i++)
                {
                    browser.SwitchTo().Window(tabs[i]);
                    var at = DateTimeOffset.Parse((string)((IJavaScriptExecutor)browser).ExecuteScript("return document.body.dataset.at || ''")!, CultureInfo.InvariantCulture);
                    var age = TimeProvider.System.GetUtcNow() - at;
                    var updates = Updates(browser);
                    if (age > TimeSpan.FromSeconds(3) || updates <= lastUpdates[i])
                    {
                        stale.Add($"tab {i}: last update {age.TotalSeconds:0.0} s ago, {updates} updates (was {lastUpdates[i]})");
                    }

                    lastUpdates[i] = updates;
                }
            }

            browser.SwitchTo().Window(tabs[0]);
            Screenshot(browser, "dashboard.png");
            var version = (await store.GetAsync(key, CancellationToken.None))!.Version;
            var counters = demo.AuthServer.Counters;
            TestContext.Out.WriteLine($"{Tabs} tabs, {Duration.TotalSeconds} s: updates per tab {string.Join(", ", lastUpdates)}; token version {version}; refresh calls {counters.RefreshRequests}; refreshes {refreshes}");
            Assert.Multiple(() =>
            {
                Assert.That(stale, Is.Empty, "every tab keeps showing fresh data");
                Assert.That(version, Is.GreaterThanOrEqualTo((int)(Duration.TotalSeconds / 2) - 1), "the token rotated all along");
                Assert.That(counters.RefreshRequests, Is.EqualTo(version), "the token server saw one refresh per rotation, for all tabs together");
                Assert.That(refreshes, Is.EqualTo(version));
                Assert.That(counters.Rejections, Is.Empty);
            });

            // Force a reuse: every tab lands on the sign-in page with the reason.
            await demo.StealAndRotateTwiceAsync(key);
            foreach (var tab in tabs)
            {
                browser.SwitchTo().Window(tab);
                WaitUntil(browser, b => b.Url.Contains("/signin?reason=refresh_token_already_used", StringComparison.Ordinal), "the tab lands on the sign-in page with the reason");
                Assert.That(browser.FindElement(By.Id("reason")).Text, Does.Contain("used from somewhere else"));
            }

            Screenshot(browser, "forced-signout.png");
            Assert.That(browser.Manage().Cookies.GetCookieNamed(WebApp.CookieName), Is.Null, "the auth cookie is gone");

            // Sign in again, then sign out in one tab: the others follow on their next refresh.
            browser.SwitchTo().Window(tabs[0]);
            SignIn(browser);
            browser.FindElement(By.Id("submit")).Click();
            foreach (var tab in tabs)
            {
                browser.SwitchTo().Window(tab);
                browser.Navigate().GoToUrl(demo.WebUrl);
                WaitUntil(browser, b => Updates(b) > 0, "the dashboard is live again");
            }

            browser.SwitchTo().Window(tabs[0]);
            browser.FindElement(By.Id("signout")).Click();
            foreach (var tab in tabs)
            {
                browser.SwitchTo().Window(tab);
                WaitUntil(browser, b => b.Url.Contains("/signin?reason=signed_out", StringComparison.Ordinal), "the tab follows the sign-out");
                Assert.That(browser.FindElement(By.Id("reason")).Text, Is.EqualTo("You were signed out."));
            }

            Screenshot(browser, "signed-out.png");
        }
        catch
        {
            Screenshot(browser, "failure.png");
            throw;
        }
        finally
        {
            browser.Quit();
            TryDelete(profile);
        }
    }

    private static void SignIn(ChromeDriver browser)
    {
        var email = browser.FindElement(By.Id("email"));
        email.Clear();
        email.SendKeys(Email);
        browser.FindElement(By.Id("password")).SendKeys(Password);
    }

    private static int Updates(ChromeDriver browser) =>
        int.Parse((string)((IJavaScriptExecutor)browser).ExecuteScript("return document.body.dataset.updates || '0'")!, CultureInfo.InvariantCulture);

    private static void WaitUntil(ChromeDriver browser, Func<ChromeDriver, bool> condition, string what)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (!condition(browser))
        {
            if (TimeProvider.System.GetElapsedTime(started) > TimeSpan.FromSeconds(15))
            {
                Assert.Fail($"Timed out waiting: {what} (at {browser.Url}).");
            }

            Thread.Sleep(100);
        }
    }

    private static void Screenshot(ChromeDriver browser, string name)
    {
        var folder = Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name);
        browser.GetScreenshot().SaveAsFile(path);
        TestContext.AddTestAttachment(path, name);
    }

    private static void TryDelete(DirectoryInfo folder)
    {
        try
        {
            folder.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A browser process may still hold a file for a moment; the temp folder is cleaned by the OS.
        }
    }
}
