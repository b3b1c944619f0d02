// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Runtime.CompilerServices;
using System.Text.Json;
using OpenQA.Selenium;
using SessionKit.Browser.Tests.Support;

namespace SessionKit.Browser.Tests.JsModule;

/// <summary>
/// sessionkit-browser.js itself, in tabs of one headless Chromium, under contention: the refresh lock (Web Locks and the storage
/// lease), the compare-and-set, storage events, and tabs that close or freeze. The listener is a stub that records calls.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed partial class BrowserModuleTests
{
    private readonly List<ModuleTab> _tabs = [];
    private readonly StrongBox<string?> _focused = new();
    private HeadlessChromium? _chromium;
    private ModuleServer? _server;
    private string _home = string.Empty;
    private int _test;

    private string Prefix => $"t{_test}:";

    [OneTimeSetUp]
    public async Task StartBrowserAsync()
    {
        if (!HeadlessChromium.IsInstalled)
        {
            Assert.Ignore(HeadlessChromium.InstallHint);
        }

        _server = await ModuleServer.StartAsync();
        _chromium = HeadlessChromium.Start();
        _home = _chromium.Driver.CurrentWindowHandle;
    }

    [OneTimeTearDown]
    public async Task StopBrowserAsync()
    {
        _chromium?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [SetUp]
    public void NextTest() => _test++;

    [TearDown]
    public void CloseTabs()
    {
        foreach (var tab in _tabs.Where(t => !t.IsClosed))
        {
            try
            {
                tab.Close();
            }
            catch (WebDriverException)
            {
                // A frozen or crashed tab; the browser goes at the end.
            }
        }

        _tabs.Clear();
        _chromium!.Driver.SwitchTo().Window(_home);
        _focused.Value = _home;
    }

    private ModuleTab Open(bool noLocks = false)
    {
        var tab = ModuleTab.Open(_chromium!.Driver, _focused, new Uri(_server!.BaseAddress, noLocks ? "/?nolocks" : "/"), "tab" + _tabs.Count);
        _tabs.Add(tab);
        return tab;
    }

    private List<ModuleTab> OpenStarted(int count, bool useWebLocks = true, int leaseMs = 10000, bool noLocks = false)
    {
        var tabs = new List<ModuleTab>();
        for (var i = 0; i < count; i++)
        {
            var tab = Open(noLocks);
            var locks = tab.Start(Prefix, useWebLocks, leaseMs);
            Assert.That(locks, Is.EqualTo(useWebLocks && !noLocks), "start() reports whether Web Locks is used");
            tabs.Add(tab);
        }

        return tabs;
    }

    private static void Log(string line) => TestContext.Out.WriteLine(line);

    private static string Str(JsonElement e) => e.ToString();
}
