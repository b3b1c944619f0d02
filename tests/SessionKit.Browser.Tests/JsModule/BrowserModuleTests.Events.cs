// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Text.Json;

namespace SessionKit.Browser.Tests.JsModule;

/// <summary>Storage events: which reach the listener, in which tab.</summary>
public sealed partial class BrowserModuleTests
{
    [Test]
    public void Start_AnotherTabWritesEntriesLeasesAndOtherKeys_OnlyItsSessionEntriesReachThisTab()
    {
        var tabs = OpenStarted(2);
        var (a, b) = (tabs[0], tabs[1]);
        var p = Prefix;

        a.Run(
            "const p = arguments[0]; window.sk.write(0, p + 'session:k1', 'v1'); localStorage.setItem(p + 'lease:k1', '{}');"
            + "localStorage.setItem(p + 'refresh:k1', 'x'); localStorage.setItem(p + 'unusable:k1', 'x'); localStorage.setItem('other:session:k1', 'x');"
            + "localStorage.setItem(p + 'sessionX', 'x'); window.sk.write(1, p + 'session:k2', 'in sessionStorage'); window.sk.write(0, p + 'session:k1', null);"
            + "window.sk.write(0, p + 'session:end', 'sentinel');",
            p);
        b.Until(() => StorageCalls(b).Any(c => c.Contains("sentinel", StringComparison.Ordinal)), TimeSpan.FromSeconds(5), "the sentinel's storage event");
        a.Run("localStorage.clear();");
        b.Until(() => StorageCalls(b).Any(c => c.Contains("OnStorageCleared", StringComparison.Ordinal)), TimeSpan.FromSeconds(5), "the clear's storage event");

        Assert.Multiple(() =>
        {
            Assert.That(StorageCalls(b), Is.EqualTo(new[]
            {
                """["OnStorageChanged","k1","v1"]""",
                """["OnStorageChanged","k1",null]""",
                """["OnStorageChanged","end","sentinel"]""",
                """["OnStorageCleared"]""",
            }));
            Assert.That(StorageCalls(a), Is.Empty, "the writing tab hears nothing of its own writes");
        });
    }

    private static List<string> StorageCalls(ModuleTab tab) =>
        tab.Calls().EnumerateArray().Where(c => c[0].GetString() != "OnWake").Select(c => JsonSerializer.Serialize(c)).ToList();
}
