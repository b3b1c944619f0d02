// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Diagnostics;

namespace SessionKit.Browser.Tests.JsModule;

/// <summary>Tabs frozen by the browser (<c>Page.setWebLifecycleState</c>) while they hold or wait for the refresh lock.</summary>
public sealed partial class BrowserModuleTests
{
    [Test]
    public void Acquire_LeaseHolderFrozenPastTheLease_AnotherTabTakesOverAndTheWokenTabNeverClobbersIt()
    {
        var tabs = OpenStarted(2, useWebLocks: false, leaseMs: 1500);
        var (a, b) = (tabs[0], tabs[1]);
        var name = Prefix + "lock";
        Assert.That(a.Await("return await window.sk.acquire(1, args[0], 2000);", name).GetBoolean(), Is.True);
        a.Freeze();

        var clock = Stopwatch.StartNew();
        var taken = b.Await("return await window.sk.acquire(1, args[0], 8000);", name);
        var takenAfter = clock.ElapsedMilliseconds;
        var ownerB = (string)b.Run("return JSON.parse(localStorage.getItem(arguments[0])).owner;", name)!;
        a.Activate();

        // The woken tab's renewal timer runs (every 500 ms), then .NET releases its lock as the refresh it was in ends.
        var woken = a.Await("await window.skDelay(700); window.sk.release(1); await window.skDelay(50); return JSON.parse(localStorage.getItem(args[0]) || 'null')?.owner;", name);
        var afterRelease = (string?)b.Run("return JSON.parse(localStorage.getItem(arguments[0]) || 'null')?.owner;", name);

        Log($"taken over after {takenAfter} ms; lease {ownerB}; after the woken tab released: {afterRelease}");
        Assert.Multiple(() =>
        {
            Assert.That(taken.GetBoolean(), Is.True, "another tab takes over after the lease");
            Assert.That(takenAfter, Is.LessThan(5000));
            Assert.That(afterRelease, Is.EqualTo(ownerB), "the new owner's lease, untouched by the woken tab");
            Assert.That(woken.GetString(), Is.EqualTo(ownerB));
        });
    }

    [Test]
    public void Acquire_WaiterFrozenWhenTheLockIsReleased_GetsItOnResumeAndItIsReleasedAfter()
    {
        var tabs = OpenStarted(3);
        var (a, b, c) = (tabs[0], tabs[1], tabs[2]);
        var name = Prefix + "lock";
        Assert.That(a.Await("return await window.sk.acquire(1, args[0], 2000);", name).GetBoolean(), Is.True);
        b.Begin("wait", "const t = performance.now(); const r = await window.sk.acquire(1, args[0], 800); return [r, performance.now() - t];", name);
        b.Freeze();
        a.Run("window.sk.release(1);");

        var whileFrozen = c.Await("return await window.sk.acquire(1, args[0], 1200);", name);
        b.Activate();
        var waited = ModuleTab.WaitAll([b], "wait", TimeSpan.FromSeconds(5))[0];
        b.Run("window.sk.release(1);");
        var after = c.Await("return await window.sk.acquire(2, args[0], 2000);", name);

        Log($"a third tab while the waiter was frozen: {whileFrozen}; the waiter on resume: {waited}; the third tab after: {after}");
        Assert.That(after.GetBoolean(), Is.True, "never a leaked lock");
    }
}
