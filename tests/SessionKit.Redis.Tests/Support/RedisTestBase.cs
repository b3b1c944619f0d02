// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace SessionKit.Redis.Tests.Support;

/// <summary>
/// Starts one real <c>redis-server</c> per fixture and hands out stores on separate connections ("instances"), each test with
/// its own key prefix. Everything created is disposed after the test.
/// </summary>
public abstract class RedisTestBase
{
    private readonly List<IAsyncDisposable> _disposables = [];

    internal RedisServer Redis { get; private set; } = null!;

    internal DirectoryInfo Keys { get; private set; } = null!;

    internal IDataProtectionProvider DataProtection { get; private set; } = null!;

    internal string Prefix { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartRedisAsync()
    {
        Redis = await RedisServer.StartAsync();
        Keys = Directory.CreateTempSubdirectory("sessionkit-dp-");
        DataProtection = TestDataProtection.Create(Keys);
    }

    [OneTimeTearDown]
    public async Task StopRedisAsync()
    {
        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }

        Keys?.Delete(recursive: true);
    }

    [SetUp]
    public void NewPrefix() => Prefix = "t" + Guid.NewGuid().ToString("N")[..8] + ":";

    [TearDown]
    public async Task DisposeInstancesAsync()
    {
        for (var i = _disposables.Count - 1; i >= 0; i--)
        {
            await _disposables[i].DisposeAsync();
        }

        _disposables.Clear();
    }

    /// <summary>Opens a new connection, as another app instance would.</summary>
    internal async Task<ConnectionMultiplexer> ConnectAsync()
    {
        var options = ConfigurationOptions.Parse(Redis.Configuration);
        options.AbortOnConnectFail = false;
        options.AsyncTimeout = 1000;
        options.SyncTimeout = 1000;
        options.ConnectTimeout = 1000;
        options.ReconnectRetryPolicy = new LinearRetry(200);
        var connection = await ConnectionMultiplexer.ConnectAsync(options);
        _disposables.Add(connection);
        return connection;
    }

    /// <summary>A store on a new connection (a new "instance").</summary>
    internal async Task<RedisTokenStore> CreateStoreAsync(Action<RedisTokenStoreOptions>? configure = null, IDataProtectionProvider? dataProtection = null, ILogger<RedisTokenStore>? logger = null)
    {
        var options = new RedisTokenStoreOptions { KeyPrefix = Prefix };
        configure?.Invoke(options);
        var store = new RedisTokenStore(await ConnectAsync(), dataProtection ?? DataProtection, options, logger: logger);
        _disposables.Insert(_disposables.Count, store);
        return store;
    }

    /// <summary>A raw database on a new connection, to look at or tamper with what the store wrote.</summary>
    internal async Task<IDatabase> RawAsync() => (await ConnectAsync()).GetDatabase();

    internal void OnTearDown(IAsyncDisposable disposable) => _disposables.Add(disposable);
}
