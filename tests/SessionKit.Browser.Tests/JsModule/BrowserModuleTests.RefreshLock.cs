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

    [Test]
    public void Acquire_HolderTabClosedWithWebLocks_AWaitingTabGetsItAtOnce() => AssertTakenOverWhenHolderCloses(useWebLocks: true, within: TimeSpan.FromSeconds(2));

    [Test]
    public void Acquire_HolderTabClosedWithTheLease_AWaitingTabGetsItWithinTheLease() => AssertTakenOverWhenHolderCloses(useWebLocks: false, within: TimeSpan.FromSeconds(3));

    [TestCase(true)]
    [TestCase(false)]
    public void Acquire_HeldElsewhere_ReturnsFalseAfterTheTimeout(bool useWebLocks)
    {
        var tabs = OpenStarted(2, useWebLocks, leaseMs: 3000);
        var name = Prefix + "lock";
        Assert.That(tabs[0].Await("return await window.sk.acquire(1, args[0], 1000);", name).GetBoolean(), Is.True);

        var waited = tabs[1].Await("const t = performance.now(); const r = await window.sk.acquire(1, args[0], 300); return [r, performance.now() - t];", name);

        Log($"timed out after {waited[1].GetDouble():0} ms");
        Assert.Multiple(() =>
        {
            Assert.That(waited[0].GetBoolean(), Is.False);
            Assert.That(waited[1].GetDouble(), Is.InRange(290, 1500));
        });
    }

    [TestCase(true)]
    [TestCase(false)]
    public void Cancel_WhileWaiting_ResolvesFalseAndLeavesNoLock(bool useWebLocks)
    {
        var tabs = OpenStarted(3, useWebLocks, leaseMs: 3000);
        var name = Prefix + "lock";
        Assert.That(tabs[0].Await("return await window.sk.acquire(1, args[0], 1000);", name).GetBoolean(), Is.True);
        tabs[1].Begin("wait", "return await window.sk.acquire(7, args[0], 20000);", name);

        tabs[1].Run("window.sk.cancel(7);");
        var cancelled = ModuleTab.WaitAll([tabs[1]], "wait", TimeSpan.FromSeconds(5))[0];
        tabs[0].Run("window.sk.release(1);");
        var next = tabs[2].Await("const t = performance.now(); const r = await window.sk.acquire(1, args[0], 2500); return [r, performance.now() - t];", name);

        Assert.Multiple(() =>
        {
            Assert.That(cancelled.GetBoolean(), Is.False, "the cancelled wait");
            Assert.That(next[0].GetBoolean(), Is.True, "a third tab gets the lock once the holder releases it");
        });
    }

    [TestCase(true)]
    [TestCase(false)]
    public void Cancel_RightAfterAcquireStarted_ResolvesFalseAndLeavesNoLock(bool useWebLocks)
    {
        // The lease is written in acquire's synchronous part, before its confirmation pause: cancelled then, it must not stay.
        var tabs = OpenStarted(2, useWebLocks, leaseMs: 10000);
        var name = Prefix + "lock";

        var cancelled = tabs[0].Await("const p = window.sk.acquire(1, args[0], 5000); window.sk.cancel(1); return await p;", name);
        var next = tabs[1].Await("const t = performance.now(); const r = await window.sk.acquire(1, args[0], 2000); return [r, performance.now() - t];", name);

        Log($"next acquire: {next}");
        Assert.Multiple(() =>
        {
            Assert.That(cancelled.GetBoolean(), Is.False, "the cancelled acquire");
            Assert.That(next[0].GetBoolean(), Is.True, "another tab gets the lock at once (no leaked lease)");
        });
    }

    [TestCase(true)]
    [TestCase(false)]
    public void Cancel_AfterGrant_ReleasesTheLock(bool useWebLocks)
    {
        var tabs = OpenStarted(2, useWebLocks, leaseMs: 10000);
        var name = Prefix + "lock";
        Assert.That(tabs[0].Await("return await window.sk.acquire(1, args[0], 2000);", name).GetBoolean(), Is.True);

        tabs[0].Run("window.sk.cancel(1);");
        var next = tabs[1].Await("return await window.sk.acquire(1, args[0], 2000);", name);

        Assert.That(next.GetBoolean(), Is.True);
    }

    [Test]
    public void Acquire_LeaseWithStorageFull_RejectsWithQuotaExceededAndWorksOnceThereIsRoom()
    {
        var tab = OpenStarted(1, useWebLocks: false, leaseMs: 3000)[0];
        var name = Prefix + "lock";
        tab.Run(
            "let i = 0; for (let size = 1 << 20; size >= 1; size >>= 1) {"
            + " try { while (i < 1000) { localStorage.setItem(arguments[0] + 'fill' + i++, 'x'.repeat(size)); } } catch { } }",
            Prefix);

        var full = tab.Await("return await window.sk.acquire(1, args[0], 1000);", name);
        tab.Run("Object.keys(localStorage).filter(k => k.startsWith(arguments[0] + 'fill')).forEach(k => localStorage.removeItem(k));", Prefix);
        var room = tab.Await("const r = await window.sk.acquire(2, args[0], 1000); window.sk.release(2); return r;", name);

        Log($"storage full: {full}");
        Assert.Multiple(() =>
        {
            Assert.That(full.ValueKind == System.Text.Json.JsonValueKind.Object ? full.GetProperty("error").GetString() : full.ToString(), Does.StartWith("QuotaExceededError"));
            Assert.That(room.GetBoolean(), Is.True);
        });
    }

    private void AssertTakenOverWhenHolderCloses(bool useWebLocks, TimeSpan within)
    {
        var tabs = OpenStarted(2, useWebLocks, leaseMs: 3000);
        var name = Prefix + "lock";
        var closedAt = Prefix + "closedAt";
        Assert.That(tabs[0].Await("return await window.sk.acquire(1, args[0], 2000);", name).GetBoolean(), Is.True);

        // Timed in the browser, from the holder's pagehide (a capturing listener runs before the module's own) to the grant:
        // the driver's close command and polls, slow on a loaded machine, are not part of the takeover.
        tabs[0].Run("window.addEventListener('pagehide', () => localStorage.setItem(arguments[0], String(Date.now())), true);", closedAt);
        tabs[1].Begin("wait", "const t = performance.now(); const r = await window.sk.acquire(1, args[0], 10000); return [r, performance.now() - t, Date.now()];", name);

        var clock = Stopwatch.StartNew();
        tabs[0].Close();
        var result = ModuleTab.WaitAll([tabs[1]], "wait", TimeSpan.FromSeconds(15))[0];
        var closed = (string?)tabs[1].Run("return localStorage.getItem(arguments[0]);", closedAt);
        var takeover = closed is null ? (double?)null : result[2].GetDouble() - double.Parse(closed, System.Globalization.CultureInfo.InvariantCulture);

        Log($"taken over {takeover} ms after the holder's pagehide ({clock.ElapsedMilliseconds} ms after the close command was sent): {result}");
        Assert.Multiple(() =>
        {
            Assert.That(result[0].GetBoolean(), Is.True);
            Assert.That(closed, Is.Not.Null, "the closed tab's pagehide ran");
            Assert.That(takeover, Is.LessThan(within.TotalMilliseconds));
        });
    }

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
