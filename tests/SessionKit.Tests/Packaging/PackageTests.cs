// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using SessionKit.Tests.Support;

namespace SessionKit.Tests.Packaging;

/// <summary>
/// <c>dotnet pack</c> of every project under <c>src/</c> gives a package with its own readme, the shared metadata, XML docs and
/// symbols for both target frameworks, and dependency groups on the lowest versions each target needs.
/// </summary>
[TestFixture]
[Category("Packaging")]
[CancelAfter(900_000)]
[NonParallelizable]
public sealed class PackageTests
{
    private static readonly string[] TargetFrameworks = ["net8.0", "net10.0"];

    private static DirectoryInfo? _output;
    private static string? _packLog;

    /// <summary>Gets every project under src/: each one ships as a package.</summary>
    public static IEnumerable<string> SourceProjects =>
        Directory.GetFiles(Path.Combine(FindRoot(), "src"), "*.csproj", SearchOption.AllDirectories)
            .Select(p => Path.GetFileNameWithoutExtension(p))
            .Order(StringComparer.Ordinal);

    [OneTimeTearDown]
    public void DeletePackages()
    {
        _output?.Delete(recursive: true);
        _output = null;
    }

    [TestCaseSource(nameof(SourceProjects))]
    public async Task Pack_EachSourceProject_CarriesReadmeMetadataDocsSymbolsAndDependencyFloors(string project)
    {
#if !NET10_0_OR_GREATER
        Assert.Ignore("Packing does not depend on the test target: it runs once, on net10.0.");
#endif
        var output = await PackAllAsync();
        var package = output.GetFiles($"{project}.*.nupkg").SingleOrDefault(f => Regex.IsMatch(f.Name, $@"^{Regex.Escape(project)}\.\d+\.\d+\.\d+(-[\w.]+)?\.nupkg$"));
        Assert.That(package, Is.Not.Null, $"{project}: no package. Every project under src/ ships as a package.\n{_packLog}");
        var symbols = new FileInfo(Path.ChangeExtension(package!.FullName, ".snupkg"));

        using var zip = ZipFile.OpenRead(package.FullName);
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
        var nuspec = XDocument.Load(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        var ns = nuspec.Root!.GetDefaultNamespace();
        var metadata = nuspec.Root.Element(ns + "metadata")!;
        string readme;
        using (var reader = new StreamReader(zip.GetEntry("README.md")?.Open() ?? Stream.Null))
        {
            readme = await reader.ReadToEndAsync();
        }

        Assert.Multiple(() =>
        {
            Assert.That(metadata.Element(ns + "id")?.Value, Is.EqualTo(project));
            Assert.That(metadata.Element(ns + "readme")?.Value, Is.EqualTo("README.md"));
            Assert.That(readme, Does.StartWith($"# {project}"), "the package's own PACKAGE.md, not the repository README");

            // Links that resolve only inside the repository (samples/..., ../LICENSE) break on the package page.
            Assert.That(Regex.Matches(readme, @"\]\((?!https://|#)[^)]*\)").Select(m => m.Value), Is.Empty, "relative links in the readme");
            Assert.That(metadata.Element(ns + "license")?.Attribute("type")?.Value, Is.EqualTo("expression"));
            Assert.That(metadata.Element(ns + "license")?.Value, Is.EqualTo("MIT"));
            Assert.That(metadata.Element(ns + "description")?.Value, Has.Length.GreaterThan(40));
            Assert.That(metadata.Element(ns + "tags")?.Value.Split(' '), Does.Contain("session").And.Contain("oauth2"));
            Assert.That(metadata.Element(ns + "releaseNotes")?.Value, Is.Not.Empty);
            Assert.That(metadata.Element(ns + "authors")?.Value, Is.Not.Empty);

            foreach (var tfm in TargetFrameworks)
            {
                Assert.That(entries, Does.Contain($"lib/{tfm}/{project}.dll"));
                Assert.That(entries, Does.Contain($"lib/{tfm}/{project}.xml"));
            }

            Assert.That(symbols.Exists, Is.True, "a symbols package beside the package: " + symbols.Name);
        });

        using (var symbolsZip = ZipFile.OpenRead(symbols.FullName))
        {
            Assert.That(symbolsZip.Entries.Select(e => e.FullName), Is.SupersetOf(TargetFrameworks.Select(tfm => $"lib/{tfm}/{project}.pdb")));
        }

        // One dependency group per target; the Microsoft.Extensions.* floors follow the target (8.0.x for net8.0, 10.0.x for net10.0).
        var groups = metadata.Element(ns + "dependencies")!.Elements(ns + "group")
            .ToDictionary(g => (string)g.Attribute("targetFramework")!, g => g.Elements(ns + "dependency").ToDictionary(d => (string)d.Attribute("id")!, d => (string)d.Attribute("version")!));
        Assert.That(groups.Keys, Is.EquivalentTo(new[] { "net8.0", "net10.0" }));
        Assert.Multiple(() =>
        {
            foreach (var (tfm, dependencies) in groups)
            {
                var major = tfm == "net8.0" ? "8" : "10";
                foreach (var (id, version) in dependencies.Where(d => d.Key.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal)))
                {
                    Assert.That(version, Does.Match($@"^\[?{major}\.0\.\d+"), $"{project} {tfm}: {id} {version}");
                }

                Assert.That(dependencies.Keys, Has.None.StartsWith("StyleCop").And.None.StartsWith("Microsoft.CodeAnalysis"), $"{project} {tfm}: build-only analyzers");
            }
        });
    }

    [Test]
    public async Task Pack_SessionKit_DependsOnItsRuntimeLibrariesAndDocumentsThePublicApi()
    {
#if !NET10_0_OR_GREATER
        Assert.Ignore("Packing does not depend on the test target: it runs once, on net10.0.");
#endif
        var output = await PackAllAsync();
        var package = output.GetFiles("SessionKit.*.nupkg").Single(f => Regex.IsMatch(f.Name, @"^SessionKit\.\d"));
        using var zip = ZipFile.OpenRead(package.FullName);
        var nuspec = XDocument.Load(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        var ns = nuspec.Root!.GetDefaultNamespace();
        var net8 = nuspec.Descendants(ns + "group").Single(g => (string?)g.Attribute("targetFramework") == "net8.0")
            .Elements(ns + "dependency").ToDictionary(d => (string)d.Attribute("id")!, d => (string)d.Attribute("version")!);
        using var reader = new StreamReader(zip.GetEntry("lib/net10.0/SessionKit.xml")!.Open());
        var docs = await reader.ReadToEndAsync();

        Assert.Multiple(() =>
        {
            Assert.That(net8.Keys, Does.Contain("Polly.Core").And.Contain("Microsoft.Extensions.Http").And.Contain("Microsoft.Extensions.Options"));
            Assert.That(net8.Keys, Does.Not.Contain("Microsoft.Extensions.Options.DataAnnotations"), "options are validated by hand-written IValidateOptions classes, without DataAnnotations (see AssemblyReferenceTests)");
            Assert.That(net8["Microsoft.Extensions.Http"], Does.StartWith("8.0."));
            Assert.That(docs, Does.Contain("M:SessionKit.RefreshCoordinator.RefreshAsync"));
            Assert.That(docs, Does.Contain("F:SessionKit.SessionKitDiagnostics.MeterName"));
        });
    }

    private static async Task<DirectoryInfo> PackAllAsync()
    {
        if (_output is not null)
        {
            return _output;
        }

        var root = FindRoot();
        var output = Directory.CreateTempSubdirectory("sessionkit-pack-");
        var log = new System.Text.StringBuilder();
        foreach (var project in Directory.GetFiles(Path.Combine(root, "src"), "*.csproj", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var (exitCode, text) = await RunAsync("dotnet", $"pack \"{project}\" -c Release -o \"{output.FullName}\" -nodeReuse:false", root);
            log.AppendLine(text);
            Assert.That(exitCode, Is.Zero, text);
        }

        _packLog = log.ToString();
        _output = output;
        return output;
    }

    // Test case sources are read at discovery, outside any test: walk up from the assembly rather than from the test context.
    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SessionKit.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? RepositoryRoot.Path;
    }

    private static async Task<(int ExitCode, string Log)> RunAsync(string file, string arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
