// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.Logging;

namespace SessionKit.Browser.Internal;

/// <summary>The browser store's log messages (event ids 36x). They name the session key, never a token.</summary>
internal static partial class BrowserLog
{
    [LoggerMessage(360, LogLevel.Information, "Browser session store started in tab {TabId}: {Storage} storage, refresh lock by {LockKind}.", EventName = "BrowserStoreStarted")]
    public static partial void Started(ILogger logger, string tabId, BrowserStorageKind storage, string lockKind);

    [LoggerMessage(361, LogLevel.Error, "The browser storage entry of session '{SessionKey}' is unusable ({Problem}: {Why}); kept aside under '{KeptAside}'.", EventName = "BrowserEntryUnusable")]
    public static partial void EntryUnusable(ILogger logger, string sessionKey, TokenStoreProblem problem, string why, string keptAside);

    [LoggerMessage(362, LogLevel.Warning, "Browser storage is unavailable for session '{SessionKey}' ({Operation}): {ErrorName}.", EventName = "BrowserStorageUnavailable")]
    public static partial void StorageUnavailable(ILogger logger, string sessionKey, string operation, string errorName);

    [LoggerMessage(363, LogLevel.Debug, "Session '{SessionKey}' was changed by tab {WriterTabId} (version {Version}, ended {IsEnded}).", EventName = "BrowserSessionChangedElsewhere")]
    public static partial void ChangedElsewhere(ILogger logger, string sessionKey, string? writerTabId, long? version, bool isEnded);

    [LoggerMessage(364, LogLevel.Debug, "Tab {TabId} woke up (visible, resumed or restored); its sessions are re-read.", EventName = "BrowserTabWoke")]
    public static partial void Woke(ILogger logger, string tabId);

    [LoggerMessage(365, LogLevel.Warning, "An event handler of the browser store threw; ignored.", EventName = "BrowserEventHandlerFailed")]
    public static partial void HandlerFailed(ILogger logger, Exception exception);
}
