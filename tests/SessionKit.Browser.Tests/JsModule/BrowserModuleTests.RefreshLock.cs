// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Text.Json;

namespace SessionKit.Browser.Tests.JsModule;

/// <summary>The cross-tab refresh lock: acquire, release, cancel, timeouts, and holders that close.</summary>
public sealed partial class BrowserModuleTests
{
    // Each holder reads a counter in localStorage, awaits, and writes it back plus one: any overlap of two holders, or a holder
    // that does not see the previous holder's write, loses an update. Holds are also timed on one clock to catch an overlap
    // directly.
    private const string Hammer = """
        const [name, counter, n, timeout] = args;
        const holds = [];
        let timeouts = 0;
        for (let i = 0; i < n; i++) {
          const ticket = 1000 + i;
          if (!await window.sk.acquire(ticket, name, timeout)) { timeouts++; continue; }
          const start = performance.timeOrigin + performance.now();
          const v = Number(localStorage.getItem(counter) || "0");
          await window.skDelay(Math.random() * 4);
          localStorage.setItem(counter, String(v + 1));
          holds.push([start, performance.timeOrigin + performance.now()]);
          window.sk.release(ticket);
          await window.skDelay(Math.random() * 3);
        }
        return { holds, timeouts };
        """;

    [Test]
    public void Acquire_FourTabsHammeringWithWebLocks_NeverOverlapsNorLosesAnUpdate() =>
        AssertExclusive(OpenStarted(4), iterations: 25);

    [Test]
    public void Acquire_ThreeTabsHammeringWithTheLease_NeverOverlapsNorLosesAnUpdate() =>
        AssertExclusive(OpenStarted(3, useWebLocks: false, leaseMs: 3000), iterations: 8);

    [Test]
    public void Acquire_ThreeTabsHammeringWithoutWebLocksInTheBrowser_NeverOverlapsNorLosesAnUpdate() =>
        AssertExclusive(OpenStarted(3, useWebLocks: true, leaseMs: 3000, noLocks: true), iterations: 8);

    private void AssertExclusive(List<ModuleTab> tabs, int iterations)
    {
        var name = Prefix + "lock:default";
        var counter = Prefix + "counter";
        var clock = Stopwatch.StartNew();
        foreach (var tab in tabs)
        {
            tab.Begin("hammer", Hammer, name, counter, iterations, 20000);
        }

        var results = ModuleTab.WaitAll(tabs, "hammer", TimeSpan.FromSeconds(40));
        var elapsed = clock.Elapsed;
        var holds = results.SelectMany((r, i) => r.GetProperty("holds").EnumerateArray().Select(h => (Tab: i, Start: h[0].GetDouble(), End: h[1].GetDouble()))).OrderBy(h => h.Start).ToList();
        var overlaps = holds.Zip(holds.Skip(1)).Count(p => p.Second.Start < p.First.End);
        var total = (string)tabs[0].Run("return localStorage.getItem(arguments[0]);", counter)!;
        Log($"{tabs.Count} tabs x {iterations}: {holds.Count} holds in {elapsed.TotalMilliseconds:0} ms, counter {total}, overlaps {overlaps}");
        Assert.Multiple(() =>
        {
            Assert.That(results.Sum(r => r.GetProperty("timeouts").GetInt32()), Is.Zero, "timeouts");
            Assert.That(holds, Has.Count.EqualTo(tabs.Count * iterations));
            Assert.That(overlaps, Is.Zero, "holds that overlapped another tab's");
            Assert.That(total, Is.EqualTo((tabs.Count * iterations).ToString()), "lost updates");
        });
    }
}
