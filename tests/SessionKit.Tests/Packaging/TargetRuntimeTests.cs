// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Reflection;
using System.Runtime.Versioning;

namespace SessionKit.Tests.Packaging;

/// <summary>The suite runs on each target of the library, on that target's runtime and against its dependency floors.</summary>
[TestFixture]
public sealed class TargetRuntimeTests
{
    [Test]
    public void Suite_EachTarget_RunsOnThatTargetsRuntime()
    {
        var target = typeof(SessionClient).Assembly.GetCustomAttribute<TargetFrameworkAttribute>()!.FrameworkName;
        var expected = new Version(target[(target.IndexOf("Version=v", StringComparison.Ordinal) + "Version=v".Length)..]);

        Assert.That(Environment.Version.Major, Is.EqualTo(expected.Major), $"SessionKit built for {target} runs on .NET {Environment.Version} (rolled forward?)");
    }

    [Test]
    public void Suite_EachTarget_LoadsTheOptionsPackageOfThatTargetsLine()
    {
        var options = typeof(Microsoft.Extensions.Options.IOptions<>).Assembly.GetName().Version!;

        Assert.That(options.Major, Is.EqualTo(Environment.Version.Major), "the net8.0 run tests the 8.0 floors, the net10.0 run the 10.0 ones");
    }
}
