// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SessionKit;
using SessionKit.Samples.Console;

// Outside SessionKit.Samples so that Console is System.Console, as in an app.
namespace ReadmeSnippets;

/// <summary>
/// README wiring that has no other home in this sample, compiled so the README cannot drift: ReadmeTests compares each
/// <c>begin-snippet</c> region with the README block of the same name. appsettings.json beside this file is the README's
/// configuration example, and a test binds it.
/// </summary>
internal static class Snippets
{
    public static ServiceProvider FromConfiguration(IConfiguration configuration, Uri apiUrl)
    {
        var services = new ServiceCollection();
        // begin-snippet: options-configuration
        var section = configuration.GetSection("SessionKit");
        services.AddSessionKit(section)
            .AddFileStore(section.GetSection("FileStore"));
        services.AddHttpClient("api", c => c.BaseAddress = apiUrl)
            .AddSessionHandler(section.GetSection("Handlers:api"));
        // end-snippet
        return services.BuildServiceProvider();
    }

    public static async Task<string> SignInAndCallAsync(Uri authUrl, Uri apiUrl)
    {
        // begin-snippet: quickstart-use
        await using var provider = Quickstart.BuildServices(authUrl, apiUrl);   // the method above
        var session = provider.GetRequiredService<SessionClient>();
        session.SessionEnded += (_, e) => Console.WriteLine($"Signed out: {e.Reason}");   // route to sign-in
        await session.SignInWithPasswordAsync("ada@example.test", "correct horse battery staple");

        var api = provider.GetRequiredService<IHttpClientFactory>().CreateClient("api");
        var me = await api.GetStringAsync("me");
        // end-snippet
        return me;
    }
}
