// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using Microsoft.JSInterop;
using SessionKit.Browser.Internal;

namespace SessionKit.Browser.Tests.Support;

/// <summary>
/// One browser origin for unit tests of the .NET side of <see cref="BrowserTokenStore"/>: a shared <c>localStorage</c>, per-tab
/// <c>sessionStorage</c>, an exclusive lock per name, and <c>storage</c> events delivered to every other tab. It stands in for
/// sessionkit-browser.js with the same function names and arguments; the module itself is exercised in headless Chromium by the
/// browser tests.
/// </summary>
internal sealed class FakeBrowser
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);
    private readonly List<FakeTab> _tabs = [];

    public ConcurrentDictionary<string, string> LocalStorage { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets or sets a value indicating whether storage throws (disabled, blocked, or full on write).</summary>
    public bool StorageUnavailable { get; set; }

    /// <summary>Gets or sets a value indicating whether the browser has Web Locks.</summary>
    public bool HasWebLocks { get; set; } = true;

    /// <summary>Opens a tab: the JavaScript runtime a <see cref="BrowserTokenStore"/> of that tab is given.</summary>
    public FakeTab OpenTab()
    {
        var tab = new FakeTab(this);
        lock (_tabs)
        {
            _tabs.Add(tab);
        }

        return tab;
    }

    /// <summary>Writes an entry as another party would (a script, devtools, a copied profile): every tab gets a storage event.</summary>
    public void WriteFromOutside(string name, string? value)
    {
        if (value is null)
        {
            LocalStorage.TryRemove(name, out _);
        }
        else
        {
            LocalStorage[name] = value;
        }

        Dispatch(null, name, value);
    }

    internal SemaphoreSlim LockOf(string name) => _locks.GetOrAdd(name, _ => new SemaphoreSlim(1, 1));

    internal void Dispatch(FakeTab? writer, string name, string? value)
    {
        FakeTab[] others;
        lock (_tabs)
        {
            others = _tabs.Where(t => !ReferenceEquals(t, writer)).ToArray();
        }

        foreach (var tab in others)
        {
            tab.OnStorageEvent(name, value);
        }
    }
}
