// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SessionKit.Tests.Support;

namespace SessionKit.Tests;

/// <summary>
/// The README's code is the samples' compiled code: every C# block is marked <c>&lt;!-- snippet: name --&gt;</c> and equals,
/// line for line, the region <c>// begin-snippet: name</c> … <c>// end-snippet</c> of exactly one compiled file under samples/; a
/// marked JSON block equals the sample file of that name, and the appsettings.json example binds and validates.
/// </summary>
[TestFixture]
public sealed partial class ReadmeTests
{
    [Test]
    public void Readme_EveryCSharpBlock_IsMarkedAsASnippet()
    {
        var readme = Readme();

        var unmarked = CSharpBlock().Matches(readme)
            .Where(block => !SnippetMarkerRightBefore().IsMatch(readme[..block.Index]))
            .Select(block => $"line {readme[..block.Index].Count(c => c == '\n') + 1}")
            .ToList();

        Assert.That(unmarked, Is.Empty, "C# blocks in README.md without a <!-- snippet: name --> marker (move the code into a sample)");
    }

    [Test]
    public void Readme_EverySnippet_MatchesItsCompiledSampleRegion()
    {
        var readme = Readme();
        var sources = SampleFiles("*.cs").ToDictionary(f => f, File.ReadAllText);

        var snippets = MarkedBlock().Matches(readme).ToList();

        Assert.That(snippets.Select(s => s.Groups["name"].Value), Is.Unique.And.Contains("quickstart").And.Contains("options-configuration").And.Contains("appsettings.json"));
        Assert.Multiple(() =>
        {
            foreach (var snippet in snippets)
            {
                var name = snippet.Groups["name"].Value;
                var inReadme = Lines(snippet.Groups["code"].Value);
                if (name.EndsWith(".json", StringComparison.Ordinal))
                {
                    var files = SampleFiles(name).ToList();
                    Assert.That(files, Has.Count.EqualTo(1), $"sample files named {name}");
                    Assert.That(inReadme, Is.EqualTo(Lines(File.ReadAllText(files[0]))), $"README block {name} vs {files.FirstOrDefault()}");
                    continue;
                }

                var regions = sources
                    .SelectMany(s => Regex.Matches(s.Value, $@"// begin-snippet: {Regex.Escape(name)}\r?\n(?<code>.*?)// end-snippet", RegexOptions.Singleline).Select(m => (File: s.Key, Code: m.Groups["code"].Value)))
                    .ToList();
                Assert.That(regions, Has.Count.EqualTo(1), $"compiled regions named {name} under samples/");
                if (regions.Count == 1)
                {
                    Assert.That(inReadme, Is.Not.Empty.And.EqualTo(Lines(regions[0].Code)), $"README block {name} vs {regions[0].File}");
                }
            }
        });
    }

    [Test]
    public async Task AppSettingsExample_BoundAsTheReadmeShows_StartsAndHoldsItsValues()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddJsonFile(Path.Combine(RepositoryRoot.Path, "samples", "SessionKit.Samples.Console", "appsettings.json"));
        var configuration = builder.Configuration;
        var services = builder.Services;
        var apiUrl = new Uri("https://api.example.com/");

        // The README's options-configuration snippet.
        var section = configuration.GetSection("SessionKit");
        services.AddSessionKit(section)
            .AddFileStore(section.GetSection("FileStore"));
        services.AddHttpClient("api", c => c.BaseAddress = apiUrl)
            .AddSessionHandler(section.GetSection("Handlers:api"));
        using var host = builder.Build();

        await host.StartAsync();
        var options = host.Services.GetRequiredService<IOptions<SessionKitOptions>>().Value;
        var store = host.Services.GetRequiredService<IOptions<FileTokenStoreOptions>>().Value;
        var handler = host.Services.GetRequiredService<IOptionsMonitor<SessionHandlerOptions>>().Get("api");
        await host.StopAsync();

        Assert.Multiple(() =>
        {
            Assert.That(options.GoTrue!.AuthUrl, Is.EqualTo(new Uri("https://your-project-ref.supabase.co/auth/v1")));
            Assert.That(options.GoTrue.ApiKey, Is.EqualTo("your-anon-key"));
            Assert.That(options.Refresh.RetryBaseDelay, Is.EqualTo(TimeSpan.FromMilliseconds(500)));
            Assert.That(options.Refresh.TotalTimeout, Is.EqualTo(TimeSpan.FromMinutes(1)));
            Assert.That(store.Path, Is.EqualTo("/var/lib/my-app/sessions.dat"));
            Assert.That(handler.RefreshMargin, Is.EqualTo(TimeSpan.FromSeconds(30)));
            Assert.That(handler.AllowedOrigins, Is.EquivalentTo(new[] { new Uri("https://files.example.com"), apiUrl }));
        });
    }

    private static string Readme() => File.ReadAllText(Path.Combine(RepositoryRoot.Path, "README.md"));

    private static IEnumerable<string> SampleFiles(string pattern)
    {
        var sep = Path.DirectorySeparatorChar;
        return Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, "samples"), pattern, SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{sep}obj{sep}", StringComparison.Ordinal) && !f.Contains($"{sep}bin{sep}", StringComparison.Ordinal));
    }

    private static string[] Lines(string code) =>
        code.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();

    [GeneratedRegex(@"^```csharp\n", RegexOptions.Multiline)]
    private static partial Regex CSharpBlock();

    [GeneratedRegex(@"<!-- snippet: [\w.-]+ -->\s*\z")]
    private static partial Regex SnippetMarkerRightBefore();

    [GeneratedRegex(@"<!-- snippet: (?<name>[\w.-]+) -->\s*```\w+\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex MarkedBlock();
}
