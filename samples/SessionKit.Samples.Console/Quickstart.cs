// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.DependencyInjection;

namespace SessionKit.Samples.Console;

/// <summary>The wiring shown in the README's 30-second example (a test keeps the two identical).</summary>
internal static class Quickstart
{
    public static ServiceProvider BuildServices(Uri authUrl, Uri apiUrl)
    {
        // begin-snippet: quickstart
        var services = new ServiceCollection();
        services.AddSessionKit(o => o.UseGoTrue(authUrl, apiKey: "your-anon-key"));
        services.AddHttpClient("api", c => c.BaseAddress = apiUrl)
            .AddSessionHandler(o => o.RefreshMargin = TimeSpan.FromSeconds(1));
        return services.BuildServiceProvider();
        // end-snippet
    }
}
