// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SessionKit.Testing;

namespace SessionKit.Samples.Console;

/// <summary>
/// <c>--store file</c>: two OS processes share one encrypted <see cref="FileTokenStore"/>. Each calls the API for a few seconds
/// with 2-second tokens; between them they refresh once per rotation, never reuse a refresh token, and end on the same session.
/// </summary>
internal static class FileStoreDemo
{
    private const int Seconds = 6;

    public static async Task<int> RunAsync()
    {
        await using var server = await GoTrueTestServer.StartAsync(new GoTrueTestServerOptions { AccessTokenLifetime = TimeSpan.FromSeconds(2) });
        server.AddUser("ada@example.test", "correct horse battery staple");
        var folder = Directory.CreateTempSubdirectory("sessionkit-sample-");
        var storePath = Path.Combine(folder.FullName, "sessions.dat");
        System.Console.WriteLine($"Auth server at {server.AuthUrl}; session file {storePath} (AES-GCM encrypted, owner-only)");

        await using (var app = BuildServices(storePath, server.AuthUrl, server.ApiUrl))
        {
            var signedIn = await app.GetRequiredService<SessionClient>().SignInWithPasswordAsync("ada@example.test", "correct horse battery staple");
            System.Console.WriteLine($"Signed in and stored: {signedIn}");
        }

        System.Console.WriteLine($"Starting two processes that share the file for {Seconds} s...");
        var children = Enumerable.Range(1, 2).Select(n => StartSelf("--worker", n.ToString(System.Globalization.CultureInfo.InvariantCulture), storePath, server.AuthUrl.ToString(), server.ApiUrl.ToString())).ToArray();
        foreach (var child in children)
        {
            var output = await child.StandardOutput.ReadToEndAsync();
            await child.WaitForExitAsync();
            System.Console.Write(output);
        }

        using var store = new FileTokenStore(new FileTokenStoreOptions { Path = storePath });
        var final = await store.GetAsync("default", CancellationToken.None);
        System.Console.WriteLine($"Server saw {server.Counters.RefreshRequests} refresh requests for {final!.Version} rotations; " +
            $"refresh_token_already_used: {server.Counters.RejectionsOf("refresh_token_already_used")}.");
        folder.Delete(recursive: true);
        return children.All(c => c.ExitCode == 0) && server.Counters.Rejections.Count == 0 ? 0 : 1;
    }

    public static async Task<int> WorkerAsync(string[] args)
    {
        var (name, storePath, authUrl, apiUrl) = (args[1], args[2], new Uri(args[3]), new Uri(args[4]));
        await using var app = BuildServices(storePath, authUrl, apiUrl);
        var refreshes = 0;
        var ended = 0;
        var session = app.GetRequiredService<SessionClient>();
        session.SessionRefreshed += (_, _) => Interlocked.Increment(ref refreshes);
        session.SessionEnded += (_, _) => Interlocked.Increment(ref ended);
        var api = app.GetRequiredService<IHttpClientFactory>().CreateClient("api");
        var ok = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(Seconds))
        {
            using var response = await api.GetAsync("me");
            ok += response.IsSuccessStatusCode ? 1 : 0;
            await Task.Delay(50);
        }

        await Task.Delay(1000);
        var final = await session.GetSessionAsync();
        System.Console.WriteLine($"  process {name} (pid {Environment.ProcessId}): {ok} calls OK, refreshed {refreshes} times itself, signed out {ended} times, ends on version {final?.Version}");
        return ended == 0 ? 0 : 1;
    }

    private static ServiceProvider BuildServices(string storePath, Uri authUrl, Uri apiUrl)
    {
        var services = new ServiceCollection();
        // begin-snippet: file-store
        services.AddSessionKit(o => o.UseGoTrue(authUrl))
            .AddFileStore(o => o.Path = storePath);   // or .AddFileStore() for the default path; same as services.AddSessionKitFileStore(...)
        // end-snippet
        services.AddHttpClient("api", c => c.BaseAddress = apiUrl).AddSessionHandler(o => o.RefreshMargin = TimeSpan.FromSeconds(1));
        return services.BuildServiceProvider();
    }

    private static Process StartSelf(params string[] arguments)
    {
        // Under 'dotnet run' the process is the dotnet host running this assembly: start the same assembly again.
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        var assembly = typeof(FileStoreDemo).Assembly.Location;
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(assembly);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }
}
