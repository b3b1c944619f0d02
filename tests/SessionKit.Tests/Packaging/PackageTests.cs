// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;
using SessionKit.Tests.Support;

namespace SessionKit.Tests.Packaging;

/// <summary><c>dotnet pack</c> produces a SessionKit package with the README, XML docs and both target frameworks.</summary>
[TestFixture]
[Category("Packaging")]
[CancelAfter(300_000)]
public sealed class PackageTests
{
    [Test]
    public async Task Pack_SessionKit_CarriesReadmeXmlDocsAndBothFrameworks()
    {
        var root = RepositoryRoot.Path;
        var output = Directory.CreateTempSubdirectory("sessionkit-pack-");
        try
        {
            var (exitCode, log) = await RunAsync("dotnet", $"pack \"{Path.Combine(root, "src", "SessionKit", "SessionKit.csproj")}\" -c Release -o \"{output.FullName}\" -nodeReuse:false", root);
            Assert.That(exitCode, Is.Zero, log);

            var package = output.GetFiles("SessionKit.*.nupkg").Single(f => !f.Name.EndsWith(".symbols.nupkg", StringComparison.Ordinal));
            using var zip = ZipFile.OpenRead(package.FullName);
            var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
            var nuspec = XDocument.Load(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
            var ns = nuspec.Root!.GetDefaultNamespace();
            var metadata = nuspec.Root.Element(ns + "metadata")!;

            Assert.Multiple(() =>
            {
                Assert.That(package.Name, Does.StartWith("SessionKit.0."));
                Assert.That(entries, Does.Contain("README.md"));
                Assert.That(metadata.Element(ns + "readme")?.Value, Is.EqualTo("README.md"));
                Assert.That(metadata.Element(ns + "license")?.Value, Is.EqualTo("MIT"));
                foreach (var tfm in new[] { "net8.0", "net10.0" })
                {
                    Assert.That(entries, Does.Contain($"lib/{tfm}/SessionKit.dll"));
                    Assert.That(entries, Does.Contain($"lib/{tfm}/SessionKit.xml"));
                }

                var dependencies = metadata.Descendants(ns + "dependency").Select(d => (string)d.Attribute("id")!).ToHashSet();
                Assert.That(dependencies, Does.Contain("Polly.Core").And.Contain("Microsoft.Extensions.Http").And.Contain("Microsoft.Extensions.Options"));
                Assert.That(dependencies, Does.Not.Contain("StyleCop.Analyzers").And.Not.Contain("Microsoft.CodeAnalysis.PublicApiAnalyzers"));
            });

            using var reader = new StreamReader(zip.GetEntry("lib/net10.0/SessionKit.xml")!.Open());
            var docs = await reader.ReadToEndAsync();
            Assert.That(docs, Does.Contain("M:SessionKit.RefreshCoordinator.RefreshAsync"));
        }
        finally
        {
            output.Delete(recursive: true);
        }
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
