// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Globalization;

namespace SessionKit.Samples.Blazor.Host;

/// <summary>
/// The host's own options, from the command line: <c>--token-lifetime 00:00:10</c>, <c>--reuse-interval 00:00:10</c>,
/// <c>--demo-control</c>. <c>--urls</c> is ASP.NET Core's own (default <c>http://127.0.0.1:5080</c>).
/// </summary>
internal sealed class SampleHostOptions
{
    public const string DefaultUrls = "http://127.0.0.1:5080";

    /// <summary>Gets the access-token lifetime: short, so rotations are visible.</summary>
    public TimeSpan TokenLifetime { get; private set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets GoTrue's reuse interval, in which an already-used refresh token still gets a new branch (10 s on hosted projects).</summary>
    public TimeSpan ReuseInterval { get; private set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets a value indicating whether the loopback-only test endpoints under <c>/_demo/</c> are on.</summary>
    public bool DemoControl { get; private set; }

    public static SampleHostOptions FromArgs(IReadOnlyList<string> args)
    {
        var options = new SampleHostOptions();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--token-lifetime" when i + 1 < args.Count:
                    options.TokenLifetime = Span(args[++i]);
                    break;
                case "--reuse-interval" when i + 1 < args.Count:
                    options.ReuseInterval = Span(args[++i]);
                    break;
                case "--demo-control":
                    options.DemoControl = true;
                    break;
            }
        }

        return options;
    }

    private static TimeSpan Span(string value) => TimeSpan.Parse(value, CultureInfo.InvariantCulture);
}
