// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using SessionKit;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Returned by <see cref="SessionKitServiceCollectionExtensions.AddSessionKit"/>: the place where a store and the extras of the
/// other SessionKit packages chain (<see cref="AddFileStore"/>, <c>AddRedisStore</c> in SessionKit.Redis, <c>AddAspNetCore</c>
/// in SessionKit.AspNetCore).
/// </summary>
/// <remarks>Only a view of the service collection: registrations made through it land in <see cref="Services"/>.</remarks>
public sealed class SessionKitBuilder
{
    /// <summary>Initializes a new instance of the <see cref="SessionKitBuilder"/> class.</summary>
    /// <param name="services">The service collection SessionKit was added to.</param>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public SessionKitBuilder(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        Services = services;
    }

    /// <summary>Gets the service collection SessionKit was added to.</summary>
    /// <value>The collection given at construction.</value>
    public IServiceCollection Services { get; }

    /// <summary>Uses a <see cref="FileTokenStore"/> (encrypted, atomic, shared safely by several processes) as the store.</summary>
    /// <param name="configure">Configures the file location and lock timeout, or <see langword="null"/> for the defaults.</param>
    /// <returns>This builder, for chaining.</returns>
    public SessionKitBuilder AddFileStore(Action<FileTokenStoreOptions>? configure = null)
    {
        Services.AddSessionKitFileStore(configure);
        return this;
    }
}
