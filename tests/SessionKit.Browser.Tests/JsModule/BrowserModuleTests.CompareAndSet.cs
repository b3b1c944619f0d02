// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Browser.Tests.JsModule;

/// <summary>compareAndSet from several tabs at once on one entry.</summary>
public sealed partial class BrowserModuleTests
{
    // Round k: every tab waits until it sees "r{k}" (or later), then tries r{k} -> r{k+1}: exactly one may win each round.
    private const string Race = """
        const [name, rounds, me] = args;
        const wins = [];
        for (let k = 0; k < rounds; k++) {
          const t0 = performance.now();
          while (Number((localStorage.getItem(name) || "r-1").slice(1)) < k && performance.now() - t0 < 5000) {
            await window.skDelay(0);
          }
          if (await window.sk.compareAndSet(0, name, "r" + k, "r" + (k + 1))) { wins.push(k); }
        }
        return wins;
        """;

    [TestCase(true)]
    [TestCase(false)]
    public void CompareAndSet_FiveTabsRacingOnOneEntry_ExactlyOneWinnerPerExpectedValue(bool useWebLocks)
    {
        const int rounds = 30;
        var tabs = OpenStarted(5, useWebLocks);
        var name = Prefix + "session:default";
        tabs[0].Run("localStorage.setItem(arguments[0], 'r0');", name);
        foreach (var tab in tabs)
        {
            tab.Begin("race", Race, name, rounds, tab.Name);
        }

        var wins = ModuleTab.WaitAll(tabs, "race", TimeSpan.FromSeconds(30)).SelectMany(r => r.EnumerateArray().Select(k => k.GetInt32())).ToList();

        var doubles = wins.GroupBy(k => k).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Log($"{wins.Count} wins over {rounds} rounds; rounds won twice: {string.Join(", ", doubles)}");
        Assert.Multiple(() =>
        {
            Assert.That(doubles, Is.Empty, "rounds with more than one winner");
            Assert.That(wins.Distinct().Count(), Is.EqualTo(rounds), "rounds with a winner");
        });
    }
}
