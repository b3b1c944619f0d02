// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SessionKit;
using SessionKit.Redis;
using SessionKit.Redis.Internal;
using StackExchange.Redis;
using SessionKit.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the <see cref="RedisTokenStore"/>.</summary>
public static class SessionKitRedisServiceCollectionExtensions
{
    /// <summary>
    /// Uses a <see cref="RedisTokenStore"/> as the <see cref="ITokenStore"/> (and so, through the store, as the refresh lock every
    /// instance of the application shares), on the <see cref="IConnectionMultiplexer"/> registered in DI, or on its own
    /// connection when <see cref="RedisTokenStoreOptions.Configuration"/> is set.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the store.</param>
    /// <returns>The service collection, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    /// <remarks>
    /// Call before or after <c>AddSessionKit</c>: it replaces the default in-memory store. Options are validated when the host
    /// starts. Data Protection is added with its defaults if the application has not configured it; a web farm must share the key
    /// ring (<c>services.AddDataProtection().PersistKeysTo...().SetApplicationName(...)</c>).
    /// </remarks>
    public static IServiceCollection AddSessionKitRedisStore(this IServiceCollection services, Action<RedisTokenStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<RedisTokenStoreOptions>().Configure(configure);
        return AddRedisStoreCore(services);
    }

    /// <summary>
    /// Uses a <see cref="RedisTokenStore"/> as the <see cref="ITokenStore"/>, with its <see cref="RedisTokenStoreOptions"/> bound
    /// from a configuration section (for example <c>"SessionKit:Redis"</c> in appsettings.json).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="section">The section holding the options: <c>Configuration</c> (a StackExchange.Redis configuration string;
    /// without it the <see cref="IConnectionMultiplexer"/> registered in DI is used), <c>KeyPrefix</c>, <c>Database</c>, and the
    /// lifetimes and timeouts as <see cref="TimeSpan"/> strings (<c>"30.00:00:00"</c>, <c>"00:00:10"</c>).</param>
    /// <returns>The service collection, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="section"/> is <see langword="null"/>.</exception>
    /// <remarks>
    /// Binding is source-generated (no reflection) and validated when the host starts, like options set in code. The store reads
    /// its options once, when it is created: a reloaded section takes effect at the next start of the application.
    /// </remarks>
    public static IServiceCollection AddSessionKitRedisStore(this IServiceCollection services, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        services.AddOptions<RedisTokenStoreOptions>().Bind(section);
        return AddRedisStoreCore(services);
    }

    private static IServiceCollection AddRedisStoreCore(IServiceCollection services)
    {
        services.AddOptions<RedisTokenStoreOptions>().ValidateOnStart();

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisTokenStoreOptions>, RedisTokenStoreOptionsValidator>());
        services.AddDataProtection();
        services.TryAddSingleton<OwnedRedisConnection>();
        services.TryAddSingleton(sp =>
        {
            var storeOptions = sp.GetRequiredService<IOptions<RedisTokenStoreOptions>>().Value;
            var redis = storeOptions.Configuration is not null
                ? sp.GetRequiredService<OwnedRedisConnection>().Get(storeOptions)
                : sp.GetService<IConnectionMultiplexer>() ?? throw new InvalidOperationException(
                    "AddSessionKitRedisStore needs a Redis connection: register an IConnectionMultiplexer, or set RedisTokenStoreOptions.Configuration (or call the overload that takes a connection string).");
            return new RedisTokenStore(
                redis,
                sp.GetRequiredService<IDataProtectionProvider>(),
                storeOptions,
                sp.GetService<TimeProvider>(),
                SessionKeyLogging.Create<RedisTokenStore>(sp));
        });
        services.RemoveAll<ITokenStore>();
        services.AddSingleton<ITokenStore>(sp => sp.GetRequiredService<RedisTokenStore>());
        return services;
    }

    /// <summary>
    /// Uses a <see cref="RedisTokenStore"/> with the default options as the <see cref="ITokenStore"/>, on the
    /// <see cref="IConnectionMultiplexer"/> registered in DI.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The service collection, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddSessionKitRedisStore(this IServiceCollection services) =>
        services.AddSessionKitRedisStore(static _ => { });

    /// <summary>
    /// Uses a <see cref="RedisTokenStore"/> as the <see cref="ITokenStore"/>, on its own connection opened from
    /// <paramref name="configuration"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">A StackExchange.Redis configuration string, for example <c>localhost:6379</c>.</param>
    /// <returns>The service collection, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configuration"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="configuration"/> is empty.</exception>
    /// <remarks>
    /// The connection is opened on first use, never aborts on a failed first connect (it keeps retrying), and is disposed with
    /// the service provider. To set other options too, set <see cref="RedisTokenStoreOptions.Configuration"/> in the other overload.
    /// </remarks>
    public static IServiceCollection AddSessionKitRedisStore(this IServiceCollection services, string configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        return services.AddSessionKitRedisStore(options => options.Configuration = configuration);
    }
}
