// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Browser;

/// <summary>Where a <see cref="BrowserTokenStore"/> keeps sessions.</summary>
/// <remarks>
/// Anything in web storage is readable by any script running in the page's origin: a cross-site-scripting flaw exposes the
/// tokens whichever kind is chosen (memory included, since injected script can call the app's own code). SessionKit protects
/// against reuse, staleness and lost rotations, not against script injection: keep a strict Content-Security-Policy.
/// </remarks>
public enum BrowserStorageKind
{
    /// <summary>
    /// <c>localStorage</c>: shared by every tab of the origin and kept across restarts of the browser. Tabs take turns to refresh
    /// and each adopts the session another stored. The default.
    /// </summary>
    Local = 0,

    /// <summary>
    /// <c>sessionStorage</c>: one copy per tab, gone when the tab closes; each tab signs in on its own. Duplicating a tab copies
    /// its session storage, and with it the refresh token: the two tabs then refresh independently, which a server that does not
    /// forgive reuse answers by ending one (or both) sessions.
    /// </summary>
    Session = 1,

    /// <summary>
    /// In the tab's .NET memory only: gone on reload, never written to web storage, not shared between tabs (each tab signs in on
    /// its own).
    /// </summary>
    Memory = 2,
}
