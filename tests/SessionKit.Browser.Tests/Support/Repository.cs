// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Diagnostics;

namespace SessionKit.Browser.Tests.Support;

/// <summary>The repository the tests run from, and a way to run the <c>dotnet</c> CLI in it.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/> and returns its exit code and everything it printed.</summary>
    public static async Task<(int ExitCode, string Output)> DotnetAsync(string arguments, string workingDirectory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet", arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output + await error);
    }

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "SessionKit.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("SessionKit.sln not found above the test's output folder.");
    }
}
