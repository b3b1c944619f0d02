// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace SessionKit.Browser.Tests.JsModule;

/// <summary>
/// One tab of the shared Chromium with the module page loaded. Selenium drives one tab at a time, so work that must overlap in
/// several tabs is started as a background job in each (<see cref="Begin"/>) and collected by polling (<see cref="WaitAll"/>).
/// </summary>
internal sealed class ModuleTab
{
    private readonly ChromeDriver _driver;
    private readonly StrongBox<string?> _focused;

    private ModuleTab(ChromeDriver driver, StrongBox<string?> focused, string handle, string name)
    {
        _driver = driver;
        _focused = focused;
        Handle = handle;
        Name = name;
    }

    public string Handle { get; }

    public string Name { get; }

    public bool IsClosed { get; private set; }

    /// <summary>Opens a tab on <paramref name="page"/>; <paramref name="focused"/> is the handle the driver is on, shared by the tabs of one driver.</summary>
    public static ModuleTab Open(ChromeDriver driver, StrongBox<string?> focused, Uri page, string name)
    {
        driver.SwitchTo().NewWindow(WindowType.Tab);
        driver.Navigate().GoToUrl(page);
        focused.Value = driver.CurrentWindowHandle;
        var tab = new ModuleTab(driver, focused, focused.Value, name);
        tab.Until(() => tab.Run("return window.skReady === true;") is true, TimeSpan.FromSeconds(10), "the module to load");
        return tab;
    }

    /// <summary>Starts the module as <c>BrowserTokenStore.StartAsync</c> does; returns whether it uses Web Locks.</summary>
    public bool Start(string prefix, bool useWebLocks = true, int leaseMs = 10000, int kind = 0) =>
        Run("return window.sk.start(window.skListener, arguments[0], arguments[1], arguments[2], arguments[3], arguments[4]);", Name, kind, prefix, useWebLocks, leaseMs) is true;

    public object? Run(string script, params object[] args)
    {
        Focus();
        return _driver.ExecuteScript(script, args);
    }

    /// <summary>Runs the body of an async function and returns its result as JSON (a rejection becomes <c>{"error": "Name: message"}</c>).</summary>
    public JsonElement Await(string body, params object[] args)
    {
        Focus();
        var json = (string?)_driver.ExecuteAsyncScript(
            "const done = arguments[arguments.length - 1]; const args = Array.from(arguments).slice(0, -1);"
            + "(async (...args) => { " + body + " })(...args).then("
            + "r => done(JSON.stringify(r === undefined ? null : r)),"
            + "e => done(JSON.stringify({ error: String(e && e.name) + ': ' + String(e && e.message) })));",
            args) ?? "null";
        return JsonDocument.Parse(json).RootElement.Clone();
    }

    /// <summary>Starts the body of an async function in the background under <paramref name="job"/>.</summary>
    public void Begin(string job, string body, params object[] args) =>
        Run(
            "window.skJobs = window.skJobs || {}; const job = { done: false }; window.skJobs[arguments[0]] = job;"
            + "(async (...args) => { " + body + " })(...Array.from(arguments).slice(1)).then("
            + "r => { job.result = r === undefined ? null : r; job.done = true; },"
            + "e => { job.result = { error: String(e && e.name) + ': ' + String(e && e.message) }; job.done = true; });",
            [job, .. args]);

    /// <summary>The job's result as JSON, or null while it runs.</summary>
    public JsonElement? Poll(string job)
    {
        var json = (string?)Run("const j = (window.skJobs || {})[arguments[0]]; return j && j.done ? JSON.stringify(j.result) : null;", job);
        return json is null ? null : JsonDocument.Parse(json).RootElement.Clone();
    }

    /// <summary>The listener calls the module made in this tab, as JSON arrays <c>[method, ...args]</c>.</summary>
    public JsonElement Calls() => JsonDocument.Parse((string)Run("return JSON.stringify(window.skCalls);")!).RootElement.Clone();

    public void Freeze() => Lifecycle("frozen");

    public void Activate() => Lifecycle("active");

    public void Close()
    {
        if (!IsClosed)
        {
            Focus();
            _driver.Close();
            _focused.Value = null;
            IsClosed = true;
        }
    }

    public static JsonElement[] WaitAll(IReadOnlyList<ModuleTab> tabs, string job, TimeSpan timeout)
    {
        var results = new JsonElement?[tabs.Count];
        var clock = Stopwatch.StartNew();
        while (results.Any(r => r is null))
        {
            for (var i = 0; i < tabs.Count; i++)
            {
                results[i] ??= tabs[i].Poll(job);
            }

            if (results.Any(r => r is null))
            {
                if (clock.Elapsed > timeout)
                {
                    Assert.Fail($"Job '{job}' did not finish in {timeout.TotalSeconds} s in tabs {string.Join(", ", tabs.Where((_, i) => results[i] is null).Select(t => t.Name))}.");
                }

                Thread.Sleep(20);
            }
        }

        return results.Select(r => r!.Value).ToArray();
    }

    public void Until(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds} s waiting for {what} in tab {Name}.");
            }

            Thread.Sleep(10);
        }
    }

    private void Lifecycle(string state)
    {
        Focus();
        _driver.ExecuteCdpCommand("Page.setWebLifecycleState", new Dictionary<string, object?> { ["state"] = state });
    }

    private void Focus()
    {
        if (_focused.Value != Handle)
        {
            _driver.SwitchTo().Window(Handle);
            _focused.Value = Handle;
        }
    }
}
