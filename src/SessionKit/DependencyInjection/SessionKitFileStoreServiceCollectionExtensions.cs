// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SessionKit;
using SessionKit.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the <see cref="FileTokenStore"/>.</summary>
public static class SessionKitFileStoreServiceCollectionExtensions
{
    /// <summary>Uses a <see cref="FileTokenStore"/> (encrypted, atomic, shared safely by several processes) with its default options as the <see cref="ITokenStore"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The service collection, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    /// <remarks>Call before or after <c>AddSessionKit</c>: it replaces the default in-memory store.</remarks>
    public static IServiceCollection AddSessionKitFileStore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return AddFileStoreCore(services);
    }

    /// <summary>Uses a <see cref="FileTokenStore"/> (encrypted, atomic, shared safely by several processes) as the <see cref="ITokenStore"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the file location and lock timeout.</param>
    /// <returns>The service collection, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    /// <remarks>Call before or after <c>AddSessionKit</c>: it replaces the default in-memory store.</remarks>
    public static IServiceCollection AddSessionKitFileStore(this IServiceCollection services, Action<FileTokenStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<FileTokenStoreOptions>().Configure(configure);
        return AddFileStoreCore(services);
    }

    /// <summary>
    /// Uses a <see cref="FileTokenStore"/> as the <see cref="ITokenStore"/>, with its <see cref="FileTokenStoreOptions"/> bound from
    /// a configuration section.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="section">The section holding <c>Path</c>, <c>KeyPath</c> and <c>LockTimeout</c> (as <c>"00:00:30"</c>); a missing key keeps its default.</param>
    /// <returns>The service collection, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="section"/> is <see langword="null"/>.</exception>
    /// <remarks>
    /// Binding is source-generated (trim- and AOT-safe) and validated at start like options set in code. The store reads its
    /// options once, when it is created: a reloaded section takes effect at the next start of the application.
    /// </remarks>
    public static IServiceCollection AddSessionKitFileStore(this IServiceCollection services, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        services.AddOptions<FileTokenStoreOptions>().Bind(section);
        return AddFileStoreCore(services);
    }

    private static IServiceCollection AddFileStoreCore(IServiceCollection services)
    {
        services.AddOptions<FileTokenStoreOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FileTokenStoreOptions>, FileTokenStoreOptionsValidator>());
        services.RemoveAll<ITokenStore>();
        services.AddSingleton<ITokenStore>(sp => new FileTokenStore(
            sp.GetRequiredService<IOptions<FileTokenStoreOptions>>().Value,
            sp.GetService<TimeProvider>(),
            SessionKeyLogging.Create<FileTokenStore>(sp)));
        return services;
    }
}
