// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Browser;

/// <summary>Options of the <see cref="BrowserTokenStore"/>.</summary>
public sealed class BrowserTokenStoreOptions
{
    /// <summary>Gets or sets where sessions are kept.</summary>
    /// <value>Defaults to <see cref="BrowserStorageKind.Local"/>.</value>
    public BrowserStorageKind Storage { get; set; } = BrowserStorageKind.Local;

    /// <summary>Gets or sets the prefix of every web-storage entry and lock name the store uses.</summary>
    /// <value>Defaults to <c>sessionkit:</c>. Give two apps on one origin different prefixes.</value>
    public string KeyPrefix { get; set; } = "sessionkit:";

    /// <summary>Gets or sets how long a tab waits for the refresh lock another tab holds before its refresh fails transiently.</summary>
    /// <value>Defaults to 30 seconds; between 1 second and 5 minutes.</value>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets whether the refresh lock uses the Web Locks API (<c>navigator.locks</c>) when the browser has it.</summary>
    /// <value>
    /// Defaults to <see langword="true"/>. With <see langword="false"/>, or in a browser without Web Locks, the lock is a lease
    /// in <c>localStorage</c> (see <see cref="LeaseDuration"/>), which is best effort.
    /// </value>
    public bool UseWebLocks { get; set; } = true;

    /// <summary>Gets or sets how long a lease taken without Web Locks lasts unless its tab renews it.</summary>
    /// <value>
    /// Defaults to 10 seconds; between 1 second and 5 minutes. The holder renews it every third of that while it refreshes; a tab
    /// that crashes or is frozen stops renewing, and another tab may take over after this long.
    /// </value>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(10);
}
