// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Text.Json;

namespace SessionKit.Tests.Support;

/// <summary>Runs the SessionKit.FileStoreWorker helper as a real OS process.</summary>
internal static class WorkerProcess
{
    private static BuiltProgram Program => BuiltProgram.Find(Path.Combine("tests", "SessionKit.FileStoreWorker"), "SessionKit.FileStoreWorker");

    /// <summary>Gets the worker's build for the target framework of these tests.</summary>
    public static string DllPath => Program.Path;

    public static Process Start(params string[] arguments) => Program.Start(arguments);

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
