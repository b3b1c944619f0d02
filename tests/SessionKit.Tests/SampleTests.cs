// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Diagnostics;
using SessionKit.Tests.Support;

namespace SessionKit.Tests;

/// <summary>The console sample runs as a real process, on its embedded server, and shows what the README says.</summary>
[TestFixture]
[Category("Sample")]
[CancelAfter(120_000)]
public sealed class SampleTests
{
    [Test]
    public async Task Sample_Run_ExitsZeroWithOneHerdRefreshAndCleanSignOut()
    {
        var configuration = TestContext.CurrentContext.TestDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = Path.Combine(RepositoryRoot.Path, "samples", "SessionKit.Samples.Console", "bin", configuration, "net10.0", "SessionKit.Samples.Console.dll");
        Assert.That(File.Exists(dll), Is.True, "the sample is built with the solution: " + dll);
        var start = new ProcessStartInfo("dotnet", $"\"{dll}\"") { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var text = await output;

        Assert.Multiple(async () =>
        {
            Assert.That(process.ExitCode, Is.Zero, text + await errors);
            Assert.That(text, Does.Contain("100/100 succeeded; refreshes the server saw for the herd: 1"));
            Assert.That(text, Does.Contain("SessionEndedException: reason RefreshTokenAlreadyUsed"));
            Assert.That(text, Does.Contain("token calls since the sign-out: 0"));
            Assert.That(text, Does.Contain("ended cleanly: RefreshTokenAlreadyUsed"));
        });
    }
}
