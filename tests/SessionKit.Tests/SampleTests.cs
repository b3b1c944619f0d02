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
    public async Task Sample_FileStoreMode_TwoProcessesShareOneSessionWithoutReuse()
    {
        var (exitCode, text) = await RunSampleAsync("--store", "file");

        var summary = System.Text.RegularExpressions.Regex.Match(text, @"Server saw (\d+) refresh requests for (\d+) rotations; refresh_token_already_used: 0\.");
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero, text);
            Assert.That(summary.Success, Is.True, text);
            Assert.That(summary.Groups[1].Value, Is.EqualTo(summary.Groups[2].Value), "one refresh per rotation across both processes");
            Assert.That(System.Text.RegularExpressions.Regex.Matches(text, "signed out 0 times"), Has.Count.EqualTo(2));
        });
    }

    [Test]
    public async Task Sample_Run_ExitsZeroWithOneHerdRefreshAndCleanSignOut()
    {
        var (exitCode, text) = await RunSampleAsync();

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero, text);
            Assert.That(text, Does.Contain("100/100 succeeded; refreshes the server saw for the herd: 1"));
            Assert.That(text, Does.Contain("SessionEndedException: reason RefreshTokenAlreadyUsed"));
            Assert.That(text, Does.Contain("token calls since the sign-out: 0"));
            Assert.That(text, Does.Contain("ended cleanly: RefreshTokenAlreadyUsed"));
        });
    }

    private static async Task<(int ExitCode, string Output)> RunSampleAsync(params string[] arguments)
    {
        var sample = BuiltProgram.Find(Path.Combine("samples", "SessionKit.Samples.Console"), "SessionKit.Samples.Console", "net10.0");
        Assert.That(File.Exists(sample.Path), Is.True, "the sample is built with the solution: " + sample.Path);
        using var process = sample.Start(arguments);
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await errors);
    }
}
