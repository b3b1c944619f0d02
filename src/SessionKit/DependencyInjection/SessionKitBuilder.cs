// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.Configuration;
using SessionKit;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Returned by <c>AddSessionKit</c>: the place where a store and the extras of the
/// other SessionKit packages chain (<see cref="AddFileStore(Action{FileTokenStoreOptions})"/>, <c>AddRedisStore</c> in SessionKit.Redis, <c>AddAspNetCore</c>
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

    /// <summary>Uses a <see cref="FileTokenStore"/> (encrypted, atomic, shared safely by several processes) with its default options as the store.</summary>
    /// <returns>This builder, for chaining.</returns>
    public SessionKitBuilder AddFileStore()
    {
        Services.AddSessionKitFileStore();
        return this;
    }

    /// <summary>Uses a <see cref="FileTokenStore"/> (encrypted, atomic, shared safely by several processes) as the store.</summary>
    /// <param name="configure">Configures the file location and lock timeout.</param>
    /// <returns>This builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="configure"/> is <see langword="null"/>.</exception>
    public SessionKitBuilder AddFileStore(Action<FileTokenStoreOptions> configure)
    {
        Services.AddSessionKitFileStore(configure);
        return this;
    }

    /// <summary>Uses a <see cref="FileTokenStore"/> as the store, with its <see cref="FileTokenStoreOptions"/> bound from a configuration section.</summary>
    /// <param name="section">The section holding <c>Path</c>, <c>KeyPath</c> and <c>LockTimeout</c> (as <c>"00:00:30"</c>); a missing key keeps its default.</param>
    /// <returns>This builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="section"/> is <see langword="null"/>.</exception>
    /// <remarks>See <see cref="SessionKitFileStoreServiceCollectionExtensions.AddSessionKitFileStore(IServiceCollection, IConfigurationSection)"/>.</remarks>
    public SessionKitBuilder AddFileStore(IConfigurationSection section)
    {
        Services.AddSessionKitFileStore(section);
        return this;
    }
}
