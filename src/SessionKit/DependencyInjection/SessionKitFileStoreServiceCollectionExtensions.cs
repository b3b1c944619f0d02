// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionKit;
using SessionKit.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the <see cref="FileTokenStore"/>.</summary>
public static class SessionKitFileStoreServiceCollectionExtensions
{
    /// <summary>Uses a <see cref="FileTokenStore"/> (encrypted, atomic, shared safely by several processes) as the <see cref="ITokenStore"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the file location and lock timeout, or <see langword="null"/> for the defaults.</param>
    /// <returns>The service collection, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    /// <remarks>Call before or after <c>AddSessionKit</c>: it replaces the default in-memory store.</remarks>
    public static IServiceCollection AddSessionKitFileStore(this IServiceCollection services, Action<FileTokenStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<FileTokenStoreOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FileTokenStoreOptions>, FileTokenStoreOptionsValidator>());
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.RemoveAll<ITokenStore>();
        services.AddSingleton<ITokenStore>(sp => new FileTokenStore(
            sp.GetRequiredService<IOptions<FileTokenStoreOptions>>().Value,
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<FileTokenStore>>()));
        return services;
    }
}
