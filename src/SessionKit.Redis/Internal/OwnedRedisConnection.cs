// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using StackExchange.Redis;

namespace SessionKit.Redis.Internal;

/// <summary>The connection the store opens itself from <see cref="RedisTokenStoreOptions.Configuration"/>; disposed with the service provider.</summary>
internal sealed class OwnedRedisConnection : IDisposable
{
    private readonly object _gate = new();
    private ConnectionMultiplexer? _connection;

    public IConnectionMultiplexer Get(RedisTokenStoreOptions options)
    {
        lock (_gate)
        {
            return _connection ??= ConnectionMultiplexer.Connect(CreateConfiguration(options));
        }
    }

    public void Dispose() => _connection?.Dispose();

    internal static ConfigurationOptions CreateConfiguration(RedisTokenStoreOptions options)
    {
        var configuration = ConfigurationOptions.Parse(options.Configuration!);
        configuration.AbortOnConnectFail = false;
        configuration.AsyncTimeout = (int)options.OperationTimeout.TotalMilliseconds;
        configuration.SyncTimeout = (int)options.OperationTimeout.TotalMilliseconds;
        configuration.ConnectTimeout = (int)options.ConnectTimeout.TotalMilliseconds;
        return configuration;
    }
}
