// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Text.RegularExpressions;
using SessionKit.AspNetCore.Tests.Support;

namespace SessionKit.AspNetCore.Tests;

/// <summary>The README's ASP.NET Core snippets are the web sample's compiled code, line for line.</summary>
[TestFixture]
public sealed class ReadmeTests
{
    [TestCase("aspnetcore-services")]
    [TestCase("aspnetcore-pipeline")]
    [TestCase("aspnetcore-signin")]
    public void Snippet_MatchesCompiledSample(string name)
    {
        var root = RepositoryRoot.Path;
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var sample = File.ReadAllText(Path.Combine(root, "samples", "SessionKit.Samples.Web", "WebApp.cs"));

        var inReadme = Lines(Regex.Match(readme, $@"<!-- snippet: {name} -->\s*```csharp\n(?<code>.*?)```", RegexOptions.Singleline).Groups["code"].Value);
        var inSample = Lines(Regex.Match(sample, $@"// begin-snippet: {name}\n(?<code>.*?)// end-snippet", RegexOptions.Singleline).Groups["code"].Value);

        Assert.That(inReadme, Is.Not.Empty.And.EqualTo(inSample));
    }

    private static string[] Lines(string code) =>
        code.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
}
