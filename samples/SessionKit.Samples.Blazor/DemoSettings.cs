// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Globalization;
using System.Runtime.InteropServices.JavaScript;

namespace SessionKit.Samples.Blazor;

/// <summary>What the page's address asks for: <c>?poll=200</c> (API poll interval in ms), <c>?storage=local|session|memory</c>, <c>?weblocks=off</c>.</summary>
internal sealed class DemoSettings
{
    /// <summary>The demo user the host creates (it prints the same pair on start).</summary>
    public const string DemoEmail = "ada@example.test";

    /// <summary>The demo user's password.</summary>
    public const string DemoPassword = "correct horse battery staple";

    /// <summary>The public ("anon") API key the embedded token server expects in the <c>apikey</c> header, as Supabase's gateway does.</summary>
    public const string ApiKey = "sample-anon-key";

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Gets the storage asked for: <c>local</c> (default), <c>session</c> or <c>memory</c>.</summary>
    public string Storage { get; init; } = "local";

    public bool UseWebLocks { get; init; } = true;

    /// <summary>Reads the settings from the page's query string (<c>location.search</c>), before the host is built.</summary>
    public static DemoSettings FromPage()
    {
        var search = JSHost.GlobalThis.GetPropertyAsJSObject("location")?.GetPropertyAsString("search") ?? string.Empty;
        return FromQuery(search);
    }

    public static DemoSettings FromQuery(string query)
    {
        var values = query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(kv => Uri.UnescapeDataString(kv[0]), kv => kv.Length > 1 ? Uri.UnescapeDataString(kv[1]) : string.Empty, StringComparer.OrdinalIgnoreCase);
        var poll = values.TryGetValue("poll", out var p) && int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms >= 50
            ? TimeSpan.FromMilliseconds(ms)
            : TimeSpan.FromMilliseconds(300);
        var storage = values.TryGetValue("storage", out var s) && s is "local" or "session" or "memory" ? s : "local";
        var webLocks = !(values.TryGetValue("weblocks", out var w) && w is "off" or "false" or "0");
        return new DemoSettings { PollInterval = poll, Storage = storage, UseWebLocks = webLocks };
    }
}
