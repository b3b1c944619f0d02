// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Text.RegularExpressions;
using SessionKit.Tests.Support;

namespace SessionKit.Tests.Packaging;

/// <summary>
/// An app that uses SessionKit and SessionKit.Redis (tests/SessionKit.TrimCheck, with both assemblies rooted) publishes trimmed and
/// self-contained, and as native AOT, with no trim or AOT warning, and its source-generated configuration binding and its
/// hand-written options validation still work once trimmed or compiled ahead of time.
/// </summary>
[TestFixture]
[Category("Packaging")]
[CancelAfter(600_000)]
[NonParallelizable]
public sealed class TrimmingTests
{
    // net10.0 is published trimmed by the native-AOT test below (which trims first, with the same checks) and, for SessionKit and
    // SessionKit.Browser, by the browser tests' DownloadSizeTests; publishing it a third time here only cost CI a minute.
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
                Assert.That(appOutput, Does.Contain("redis: KeyPrefix=trim: LockLease=00:00:20"));
                Assert.That(appOutput, Does.Contain("bound: SignOutScope=Global AttemptTimeout=00:00:20 LockTimeout=00:00:05 RefreshMargin=00:00:10 Origins=2"));
            });
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    [Test]
    public async Task PublishAot_AppUsingSessionKit_NoTrimOrAotWarningsAndItRuns()
    {
#if !NET10_0_OR_GREATER
        Assert.Ignore("Publishing does not depend on the test target: it runs once, on net10.0.");
#endif
        var compiler = NativeCompiler();
        if (compiler is null)
        {
            Assert.Ignore("Native AOT links with clang, which is not installed (apt-get install clang); the net8.0 trimmed publish above and the browser tests' DownloadSizeTests still run the trim analysis.");
        }

        var root = RepositoryRoot.Path;
        var output = Directory.CreateTempSubdirectory("sessionkit-aot-");
        try
        {
            // The native-AOT compiler analyses the whole app again and, unlike the trimmer, ignores UnconditionalSuppressMessage
            // on attribute constructors: this is where [Range(typeof(TimeSpan), ...)] showed its IL2026 warnings.
            var project = Path.Combine(root, "tests", "SessionKit.TrimCheck", "SessionKit.TrimCheck.csproj");
            string[] arguments = ["publish", project, "-f", "net10.0", "-c", "Release", "-o", output.FullName, "-nodeReuse:false", "-p:PublishAot=true", "-p:TrimmerSingleWarn=false"];
            if (compiler.Length > 0)
            {
                arguments = [.. arguments, $"-p:CppCompilerAndLinker={compiler}"];
            }

            var (exitCode, log) = await RunAsync("dotnet", arguments, root);
            var warnings = Regex.Matches(log, @"(warning|error) IL\d{4}[^\r\n]*").Select(m => m.Value).Distinct().ToList();
            Assert.That(exitCode, Is.Zero, log);
            Assert.That(warnings, Is.Empty, "trim or AOT analysis warnings");

            var (appExit, appOutput) = await RunAsync(Path.Combine(output.FullName, "SessionKit.TrimCheck"), [], root);
            Assert.Multiple(() =>
            {
                Assert.That(appExit, Is.Zero, appOutput);
                Assert.That(appOutput, Does.Contain("rejected: AttemptTimeout: The field SessionKitOptions.Refresh.AttemptTimeout must be between 00:00:00.0100000 and 00:10:00."));
                Assert.That(appOutput, Does.Contain("bound: SignOutScope=Global AttemptTimeout=00:00:20 LockTimeout=00:00:05 RefreshMargin=00:00:10 Origins=2"));
                Assert.That(appOutput, Does.Contain("redis: KeyPrefix=trim: LockLease=00:00:20"));
                Assert.That(appOutput, Does.Contain("OK SessionKit"));
            });
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    /// <summary>"" when <c>clang</c> is on the PATH, else the newest versioned <c>clang-N</c> (Debian's clang-14), else null.</summary>
    private static string? NativeCompiler()
    {
        var directories = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Where(Directory.Exists).ToList();
        if (directories.Any(d => File.Exists(Path.Combine(d, "clang"))))
        {
            return string.Empty;
        }

        return directories
            .SelectMany(d => Directory.EnumerateFiles(d, "clang-*"))
            .Select(Path.GetFileName)
            .Where(n => n is not null && Regex.IsMatch(n, @"^clang-\d+$"))
            .OrderByDescending(n => int.Parse(n!["clang-".Length..], System.Globalization.CultureInfo.InvariantCulture))
            .FirstOrDefault();
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
