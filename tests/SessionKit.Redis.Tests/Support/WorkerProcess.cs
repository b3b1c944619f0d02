// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Text.Json;

namespace SessionKit.Redis.Tests.Support;

/// <summary>Runs the SessionKit.RedisWorker helper (one app instance of a farm) as a real OS process.</summary>
internal static class WorkerProcess
{
    public static string DllPath
    {
        get
        {
            var configuration = TestContext.CurrentContext.TestDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SessionKit.sln")))
            {
                dir = dir.Parent;
            }

            return Path.Combine(dir!.FullName, "tests", "SessionKit.RedisWorker", "bin", configuration, "net10.0", "SessionKit.RedisWorker.dll");
        }
    }

    public static Process Start(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(DllPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }

    /// <summary>Waits for the process and returns its exit code, its JSON report (if any) and its error output.</summary>
    public static async Task<(int ExitCode, JsonElement? Report, string Errors)> FinishAsync(Process process)
    {
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var text = (await output).Trim();
        JsonElement? report = text.Length > 0 ? JsonDocument.Parse(text.Split('\n')[^1]).RootElement.Clone() : null;
        return (process.ExitCode, report, await errors);
    }
}
