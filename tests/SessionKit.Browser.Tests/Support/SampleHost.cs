// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace SessionKit.Browser.Tests.Support;

/// <summary>
/// The Blazor sample's host (samples/SessionKit.Samples.Blazor.Host) as a real process on <c>127.0.0.1:0</c>, with short
/// tokens and its loopback-only <c>/_demo/</c> endpoints: the app, the GoTrue test server and the API on one origin.
/// </summary>
internal sealed partial class SampleHost : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output;
    private readonly HttpClient _http;

    private SampleHost(Process process, ConcurrentQueue<string> output, Uri baseAddress)
    {
        _process = process;
        _output = output;
        BaseAddress = baseAddress;
        _http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
    }

    public Uri BaseAddress { get; }

    /// <summary>Gets what the host printed so far (standard output and error), for failure messages.</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>Starts the built host with <c>--urls http://127.0.0.1:0 --demo-control</c> and the given token settings, and waits for its address.</summary>
    public static async Task<SampleHost> StartAsync(TimeSpan tokenLifetime, TimeSpan reuseInterval, CancellationToken cancellationToken)
    {
        var dll = HostDll();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        foreach (var argument in new[]
        {
            dll, "--urls", "http://127.0.0.1:0", "--demo-control",
            "--token-lifetime", tokenLifetime.ToString("c"), "--reuse-interval", reuseInterval.ToString("c"),
        })
        {
            start.ArgumentList.Add(argument);
        }

        // Development: the static web assets (the app's _framework files) are served from the build, as with dotnet run.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";

        var process = Process.Start(start)!;
        var output = new ConcurrentQueue<string>();
        var address = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                address.TrySetException(new InvalidOperationException("The sample host ended before printing its address."));
                return;
            }

            output.Enqueue(e.Data);
            if (ListeningLine().Match(e.Data) is { Success: true } match)
            {
                address.TrySetResult(new Uri(match.Groups["url"].Value));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.Enqueue(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var baseAddress = await address.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            return new SampleHost(process, output, baseAddress);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    public async Task<DemoCounters> CountersAsync(CancellationToken cancellationToken) =>
        (await _http.GetFromJsonAsync<DemoCounters>("_demo/counters", cancellationToken))!;

    public async Task ResetAsync(CancellationToken cancellationToken) =>
        (await _http.PostAsync("_demo/reset", content: null, cancellationToken)).EnsureSuccessStatusCode();

    /// <summary>Makes the server rotate the next refresh at once and hold its answer <paramref name="delay"/> (lost if the client leaves).</summary>
    public async Task DelayNextRefreshAnswerAsync(TimeSpan delay, CancellationToken cancellationToken) =>
        (await _http.PostAsync($"_demo/faults/delay?ms={(int)delay.TotalMilliseconds}&afterRotating=true", content: null, cancellationToken)).EnsureSuccessStatusCode();

    /// <summary>Stops the host by its process id.</summary>
    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static string HostDll()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = Path.Combine(Repository.Root, "samples", "SessionKit.Samples.Blazor.Host", "bin", configuration, "net10.0", "SessionKit.Samples.Blazor.Host.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the sample host first (the test project references it).", dll);
    }

    [GeneratedRegex(@"listening on (?<url>http://127\.0\.0\.1:\d+/)")]
    private static partial Regex ListeningLine();
}
