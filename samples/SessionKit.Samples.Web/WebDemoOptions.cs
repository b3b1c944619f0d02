// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using SessionKit.Testing;

namespace SessionKit.Samples.Web;

/// <summary>How the demo runs: the embedded token server, the ports, the demo users.</summary>
public sealed class WebDemoOptions
{
    /// <summary>Gets or sets the embedded GoTrue server's options (token lifetime, reuse interval, clock).</summary>
    public GoTrueTestServerOptions AuthServer { get; set; } = new() { AccessTokenLifetime = TimeSpan.FromSeconds(5) };

    /// <summary>Gets or sets the web app's port on 127.0.0.1; 0 picks a free one.</summary>
    public int WebPort { get; set; } = 5080;

    /// <summary>Gets or sets how often the dashboard fetches fresh data.</summary>
    public TimeSpan DashboardInterval { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Gets the users who can sign in (email, password).</summary>
    public IDictionary<string, string> Users { get; } = new Dictionary<string, string>
    {
        ["ada@example.test"] = "correct horse battery staple",
        ["linus@example.test"] = "open sesame",
    };

    /// <summary>
    /// Gets or sets a Redis connection string for a web farm. The store is whatever <c>ITokenStore</c> is registered:
    /// see <see cref="WebApp.ConfigureStore"/>.
    /// </summary>
    public string? Redis { get; set; }

    /// <summary>Gets or sets a value indicating whether the web app logs to the console.</summary>
    public bool Logging { get; set; }

    /// <summary>Reads <c>--port N</c>, <c>--token-seconds N</c> and <c>--redis CONNECTION</c>.</summary>
    public static WebDemoOptions FromArgs(string[] args)
    {
        var options = new WebDemoOptions { Logging = true };
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--port":
                    options.WebPort = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "--token-seconds":
                    options.AuthServer.AccessTokenLifetime = TimeSpan.FromSeconds(double.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case "--redis":
                    options.Redis = args[i + 1];
                    break;
            }
        }

        return options;
    }
}
