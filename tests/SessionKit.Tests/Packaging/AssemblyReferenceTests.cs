// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace SessionKit.Tests.Packaging;

/// <summary>
/// What the built SessionKit.dll references decides what a trimmed app (Blazor WebAssembly above all) must download with it.
/// </summary>
[TestFixture]
public sealed class AssemblyReferenceTests
{
    [Test]
    public void SessionKitAssembly_BuiltForThisTarget_DoesNotReferenceDataAnnotations()
    {
        // System.ComponentModel.Annotations' ValidationContext looks display names up through TypeDescriptor, which brings
        // System.ComponentModel.TypeConverter and four more assemblies: about 55 KB (Brotli) of a Blazor app's download.
        var (assemblies, namespaces) = References(typeof(SessionClient).Assembly.Location);

        Assert.Multiple(() =>
        {
            Assert.That(assemblies, Does.Contain("System.Runtime"), "the references were read");
            Assert.That(assemblies, Has.None.StartsWith("System.ComponentModel.Annotations").And.None.StartsWith("System.ComponentModel.DataAnnotations"));
            Assert.That(namespaces, Has.None.StartsWith("System.ComponentModel.DataAnnotations"), "no type of DataAnnotations is used");
        });
    }

    /// <summary>The names of the assemblies an assembly references, and the namespaces of the types it references.</summary>
    private static (IReadOnlyList<string> Assemblies, IReadOnlyList<string> Namespaces) References(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var assemblies = metadata.AssemblyReferences.Select(h => metadata.GetString(metadata.GetAssemblyReference(h).Name)).ToList();
        var namespaces = metadata.TypeReferences.Select(h => metadata.GetString(metadata.GetTypeReference(h).Namespace)).Distinct().ToList();
        return (assemblies, namespaces);
    }
}
