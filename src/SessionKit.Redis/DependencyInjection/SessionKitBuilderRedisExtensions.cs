// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.Configuration;
using SessionKit.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chains the Redis store on the builder returned by <c>AddSessionKit</c>.</summary>
public static class SessionKitBuilderRedisExtensions
{
    /// <summary>Uses a <see cref="RedisTokenStore"/> as the store; see <see cref="SessionKitRedisServiceCollectionExtensions.AddSessionKitRedisStore(IServiceCollection, Action{RedisTokenStoreOptions})"/>.</summary>
    /// <param name="builder">The builder returned by <c>AddSessionKit</c>.</param>
    /// <param name="configure">Configures the store (connection, key prefix, lifetimes, lease).</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static SessionKitBuilder AddRedisStore(this SessionKitBuilder builder, Action<RedisTokenStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSessionKitRedisStore(configure);
        return builder;
    }

    /// <summary>Uses a <see cref="RedisTokenStore"/> connected with a StackExchange.Redis configuration string.</summary>
    /// <param name="builder">The builder returned by <c>AddSessionKit</c>.</param>
    /// <param name="configuration">The StackExchange.Redis configuration, for example <c>"redis:6379"</c>.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="configuration"/> is null or empty.</exception>
    public static SessionKitBuilder AddRedisStore(this SessionKitBuilder builder, string configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSessionKitRedisStore(configuration);
        return builder;
    }

    /// <summary>Uses a <see cref="RedisTokenStore"/> as the store, with its options bound from a configuration section.</summary>
    /// <param name="builder">The builder returned by <c>AddSessionKit</c>.</param>
    /// <param name="section">The section holding the <see cref="RedisTokenStoreOptions"/>; see
    /// <see cref="SessionKitRedisServiceCollectionExtensions.AddSessionKitRedisStore(IServiceCollection, IConfigurationSection)"/>.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="section"/> is <see langword="null"/>.</exception>
    public static SessionKitBuilder AddRedisStore(this SessionKitBuilder builder, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSessionKitRedisStore(section);
        return builder;
    }
}
