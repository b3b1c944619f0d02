// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Runtime.InteropServices;

namespace SessionKit.Tests.Support;

/// <summary>
/// A program of the repository (the file-store worker, the sample) as built for the target framework these tests run on:
/// the tests on net8.0 launch the net8.0 build (self-contained, see tests/Directory.Build.props), those on net10.0 the net10.0 one.
/// </summary>
internal sealed class BuiltProgram
{
    private BuiltProgram(string path, bool isAppHost)
    {
        Path = path;
        IsAppHost = isAppHost;
    }

    /// <summary>Gets the target framework the tests (and so the launched programs) were built for.</summary>
    public static string TargetFramework =>
#if NET10_0_OR_GREATER
        "net10.0";
#else
        "net8.0";
#endif

    /// <summary>Gets the program's file: a self-contained app host, or the framework-dependent dll run with <c>dotnet</c>.</summary>
    public string Path { get; }

    private bool IsAppHost { get; }

    /// <summary>Finds the build of the project at <paramref name="projectDirectory"/> (relative to the repository root).</summary>
    /// <param name="projectDirectory">The project folder, relative to the repository root.</param>
    /// <param name="assemblyName">The program's assembly name.</param>
    /// <param name="targetFramework">The build to take; the tests' own target framework when <see langword="null"/> (samples target net10.0 only).</param>
    public static BuiltProgram Find(string projectDirectory, string assemblyName, string? targetFramework = null)
    {
        var configuration = TestContext.CurrentContext.TestDirectory.Contains($"{System.IO.Path.DirectorySeparatorChar}Release{System.IO.Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var output = System.IO.Path.Combine(RepositoryRoot.Path, projectDirectory, "bin", configuration, targetFramework ?? TargetFramework);
        var appHost = System.IO.Path.Combine(output, RuntimeInformation.RuntimeIdentifier, assemblyName);
        return File.Exists(appHost)
            ? new BuiltProgram(appHost, isAppHost: true)
            : new BuiltProgram(System.IO.Path.Combine(output, assemblyName + ".dll"), isAppHost: false);
    }

    /// <summary>Starts the program with <paramref name="arguments"/>, standard output and error redirected.</summary>
    public Process Start(params string[] arguments)
    {
        var start = new ProcessStartInfo(IsAppHost ? Path : "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (!IsAppHost)
        {
            start.ArgumentList.Add(Path);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }
}
