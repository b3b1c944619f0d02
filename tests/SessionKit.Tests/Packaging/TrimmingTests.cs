// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Text.RegularExpressions;
using SessionKit.Tests.Support;

namespace SessionKit.Tests.Packaging;

/// <summary>
/// An app that uses SessionKit (tests/SessionKit.TrimCheck, with the whole SessionKit assembly rooted) publishes trimmed and
/// self-contained with no trim warning, and its source-generated configuration binding and options validation still work once
/// trimmed.
/// </summary>
[TestFixture]
[Category("Packaging")]
[CancelAfter(600_000)]
[NonParallelizable]
public sealed class TrimmingTests
{
    [TestCase("net10.0")]
    [TestCase("net8.0")]
    public async Task PublishTrimmed_AppUsingSessionKit_NoTrimWarningsAndValidationWorks(string targetFramework)
    {
#if !NET10_0_OR_GREATER
        Assert.Ignore("Publishing does not depend on the test target: it runs once, on net10.0, for both targets of the library.");
#endif
        var root = RepositoryRoot.Path;
        var output = Directory.CreateTempSubdirectory("sessionkit-trim-");
        try
        {
            var project = Path.Combine(root, "tests", "SessionKit.TrimCheck", "SessionKit.TrimCheck.csproj");
            var (exitCode, log) = await RunAsync("dotnet", ["publish", project, "-f", targetFramework, "-c", "Release", "-o", output.FullName, "-nodeReuse:false", "-p:TrimmerSingleWarn=false"], root);
            var warnings = Regex.Matches(log, @"(warning|error) IL\d{4}[^\r\n]*").Select(m => m.Value).Distinct().ToList();
            Assert.That(exitCode, Is.Zero, log);
            Assert.That(warnings, Is.Empty, "trim or AOT analysis warnings");

            var (appExit, appOutput) = await RunAsync(Path.Combine(output.FullName, "SessionKit.TrimCheck"), [], root);
            Assert.Multiple(() =>
            {
                Assert.That(appExit, Is.Zero, appOutput);
                Assert.That(appOutput, Does.Contain("rejected: AttemptTimeout").And.Contain("OK SessionKit"));
                Assert.That(appOutput, Does.Contain("bound: SignOutScope=Global AttemptTimeout=00:00:20 LockTimeout=00:00:05 RefreshMargin=00:00:10 Origins=2"));
            });
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Log)> RunAsync(string file, string[] arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
