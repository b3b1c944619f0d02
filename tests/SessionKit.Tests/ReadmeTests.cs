// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Text.RegularExpressions;
using SessionKit.Tests.Support;

namespace SessionKit.Tests;

/// <summary>The README's example is the sample's compiled code, line for line.</summary>
[TestFixture]
public sealed partial class ReadmeTests
{
    [Test]
    public void QuickstartSnippet_MatchesCompiledSample()
    {
        var root = RepositoryRoot.Path;
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var sample = File.ReadAllText(Path.Combine(root, "samples", "SessionKit.Samples.Console", "Quickstart.cs"));

        var inReadme = Lines(ReadmeSnippet().Match(readme).Groups["code"].Value);
        var inSample = Lines(SampleSnippet().Match(sample).Groups["code"].Value);

        Assert.That(inReadme, Is.Not.Empty.And.EqualTo(inSample));
    }

    private static string[] Lines(string code) =>
        code.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();

    [GeneratedRegex(@"<!-- snippet: quickstart -->\s*```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex ReadmeSnippet();

    [GeneratedRegex(@"// begin-snippet: quickstart\n(?<code>.*?)// end-snippet", RegexOptions.Singleline)]
    private static partial Regex SampleSnippet();
}
