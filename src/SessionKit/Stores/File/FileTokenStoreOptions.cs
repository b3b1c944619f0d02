// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Reflection;
using SessionKit.Internal;

namespace SessionKit;

/// <summary>Options of <see cref="FileTokenStore"/>.</summary>
public sealed class FileTokenStoreOptions
{
    /// <summary>Gets or sets the store file.</summary>
    /// <value>
    /// Defaults to <c>&lt;local application data&gt;/SessionKit/&lt;entry assembly name&gt;/sessions.dat</c>
    /// (on Linux <c>~/.local/share/SessionKit/…</c>). Its folder is created owner-only. Required: not empty or blank.
    /// </value>
    public string Path { get; set; } = DefaultPath();

    /// <summary>Gets or sets the file holding the 256-bit AES-GCM key that encrypts the store.</summary>
    /// <value>Defaults to <see langword="null"/>: <see cref="Path"/> + <c>.key</c>, beside the store, owner-only.</value>
    public string? KeyPath { get; set; }

    /// <summary>Gets or sets how long to wait for another process's lock on the store before giving up.</summary>
    /// <value>Defaults to 30 seconds: longer than one refresh with its retries usually takes. From 10 milliseconds to 10 minutes.</value>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The valid values of <see cref="LockTimeout"/>.</summary>
    internal static readonly ValueRange<TimeSpan> LockTimeoutRange = new(TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10));

    /// <summary>Gets or sets the identity a store file is bound to (this machine and user when null); tests play others with it.</summary>
    internal Internal.OwnerIdentity? Identity { get; set; }

    private static string DefaultPath()
    {
        var root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        if (string.IsNullOrEmpty(root))
        {
            root = System.IO.Path.Combine(AppContext.BaseDirectory, ".sessionkit");
        }

        var app = Assembly.GetEntryAssembly()?.GetName().Name ?? "default";
        return System.IO.Path.Combine(root, "SessionKit", app, "sessions.dat");
    }
}
