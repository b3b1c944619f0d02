// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using SessionKit.Internal;

namespace SessionKit;

/// <summary>Options of <see cref="GoTrueTokenClient"/>: where the Supabase Auth (GoTrue) server is and how to reach it.</summary>
public sealed class GoTrueOptions
{
    /// <summary>Gets or sets the Auth server's base URL, for example <c>https://&lt;project-ref&gt;.supabase.co/auth/v1</c>.</summary>
    /// <value>Required; no default. An absolute URL; <c>/token</c> and <c>/logout</c> are appended to it.</value>
    public Uri? AuthUrl { get; set; }

    /// <summary>Gets or sets the project API key sent as the <c>apikey</c> header (the hosted gateway requires it).</summary>
    /// <value>Defaults to <see langword="null"/> (no header; fine for a self-hosted Auth server reached directly).</value>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the scope of server-side sign-out.</summary>
    /// <value>Defaults to <see cref="GoTrueSignOutScope.Local"/>: only this session ends, the user's other devices stay signed in.</value>
    public GoTrueSignOutScope SignOutScope { get; set; } = GoTrueSignOutScope.Local;

    /// <summary>Gets or sets the largest response body read from the server, in bytes. Larger bodies are treated as transient failures.</summary>
    /// <value>Defaults to 262,144 (256 KiB). From 1,024 (1 KiB) to 67,108,864 (64 MiB).</value>
    public int MaxResponseBodyBytes { get; set; } = 256 * 1024;

    /// <summary>The valid values of <see cref="MaxResponseBodyBytes"/>.</summary>
    internal static readonly ValueRange<int> MaxResponseBodyBytesRange = new(1024, 64 * 1024 * 1024);
}
