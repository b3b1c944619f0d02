// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Browser;

/// <summary>What changed in a <see cref="BrowserTokenStore"/>: a session stored, rotated, ended or removed, by this tab or another.</summary>
/// <remarks>Holds no token material.</remarks>
public sealed class BrowserSessionChangedEventArgs : EventArgs
{
    /// <summary>Initializes a new instance of the <see cref="BrowserSessionChangedEventArgs"/> class.</summary>
    /// <param name="sessionKey">The session key.</param>
    /// <param name="version">The stored session's version, or <see langword="null"/> when none is stored.</param>
    /// <param name="isEnded">Whether the key now holds a tombstone (the session ended).</param>
    /// <param name="writerTabId">The id of the tab that wrote the change, when known.</param>
    /// <param name="isFromThisTab">Whether this tab wrote it.</param>
    public BrowserSessionChangedEventArgs(string sessionKey, long? version, bool isEnded, string? writerTabId, bool isFromThisTab)
    {
        ArgumentNullException.ThrowIfNull(sessionKey);
        SessionKey = sessionKey;
        Version = version;
        IsEnded = isEnded;
        WriterTabId = writerTabId;
        IsFromThisTab = isFromThisTab;
    }

    /// <summary>Gets the session key.</summary>
    /// <value>The key whose entry changed.</value>
    public string SessionKey { get; }

    /// <summary>Gets the stored session's version.</summary>
    /// <value>The version, or <see langword="null"/> when the key holds no session (ended, removed or cleared).</value>
    public long? Version { get; }

    /// <summary>Gets a value indicating whether the key now holds a tombstone.</summary>
    /// <value><see langword="true"/> when the session ended (signed out, or its refresh token was rejected).</value>
    public bool IsEnded { get; }

    /// <summary>Gets the id of the tab that wrote the change (<see cref="BrowserTokenStore.TabId"/> of that tab).</summary>
    /// <value>The tab id, or <see langword="null"/> when unknown (removed or cleared).</value>
    public string? WriterTabId { get; }

    /// <summary>Gets a value indicating whether this tab wrote the change.</summary>
    /// <value><see langword="false"/> for a change another tab made.</value>
    public bool IsFromThisTab { get; }
}
