// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Reflection;
using System.Runtime.CompilerServices;

namespace SessionKit.Tests;

/// <summary>The shape rules of the public API: sealed by default, internals in one namespace, async methods take a token last.</summary>
[TestFixture]
public sealed class ConventionTests
{
    private static readonly Assembly Library = typeof(Session).Assembly;

    [Test]
    public void PublicClasses_AreSealedStaticOrAbstract()
    {
        var unsealed = Library.GetExportedTypes()
            .Where(t => t.IsClass && !t.IsSealed && !t.IsAbstract)
            .Select(t => t.FullName);

        Assert.That(unsealed, Is.Empty);
    }

    [Test]
    public void PublicTypes_LiveInSessionKitOrTheDependencyInjectionNamespace()
    {
        var misplaced = Library.GetExportedTypes()
            .Where(t => t.Namespace is not ("SessionKit" or "Microsoft.Extensions.DependencyInjection"))
            .Select(t => t.FullName);

        Assert.That(misplaced, Is.Empty);
    }

    [Test]
    public void InternalTypes_LiveInSessionKitInternal()
    {
        var misplaced = Library.GetTypes()
            .Where(t => !t.IsPublic && !t.IsNested && t.Namespace is not null && t.GetCustomAttribute<CompilerGeneratedAttribute>() is null)
            .Where(t => !t.Namespace!.StartsWith("System", StringComparison.Ordinal) && !t.Namespace.StartsWith("Microsoft", StringComparison.Ordinal))
            .Where(t => t.Namespace != "SessionKit.Internal")
            .Select(t => t.FullName);

        Assert.That(misplaced, Is.Empty);
    }

    [Test]
    public void PublicAsyncMethods_TakeCancellationTokenLast()
    {
        var offenders = Library.GetExportedTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.Name.EndsWith("Async", StringComparison.Ordinal))
            .Where(m => m.GetParameters() is var p && (p.Length == 0 || p[^1].ParameterType != typeof(CancellationToken)))
            .Select(m => m.DeclaringType!.Name + "." + m.Name);

        Assert.That(offenders, Is.Empty);
    }

    [Test]
    public void Exceptions_DeriveFromSessionKitException()
    {
        var exceptions = Library.GetExportedTypes().Where(t => typeof(Exception).IsAssignableFrom(t));

        Assert.That(exceptions, Has.All.Matches<Type>(t => typeof(SessionKitException).IsAssignableFrom(t)));
    }
}
