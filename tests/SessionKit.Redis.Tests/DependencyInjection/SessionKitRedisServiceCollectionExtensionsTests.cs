// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SessionKit.Redis.Internal;
using SessionKit.Redis.Tests.Support;
using StackExchange.Redis;

namespace SessionKit.Redis.Tests.DependencyInjection;

/// <summary>Registration next to <c>AddSessionKit</c>, and options validated at start with messages naming the field.</summary>
[TestFixture]
[Category("Redis")]
[NonParallelizable]
[CancelAfter(60_000)]
public sealed class SessionKitRedisServiceCollectionExtensionsTests : RedisTestBase
{
    [Test]
    public async Task AddSessionKitRedisStore_MultiplexerFromDi_ReplacesStoreAndCoordinatorUsesIt()
    {
        var redis = await ConnectAsync();
        var services = new ServiceCollection();
        services.AddDataProtection().PersistKeysToFileSystem(Keys);
        services.AddSingleton<IConnectionMultiplexer>(redis);
        services.AddSessionKit(o => o.UseGoTrue(new Uri("http://127.0.0.1:1/auth/v1")));
        services.AddSessionKitRedisStore(o => o.KeyPrefix = Prefix);
        await using var provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<ITokenStore>();
        var coordinator = provider.GetRequiredService<RefreshCoordinator>();
        var session = Sessions.Make();
        await store.SetAsync("k", session, CancellationToken.None);

        Assert.That(store, Is.InstanceOf<RedisTokenStore>().And.InstanceOf<IRefreshLock>());
        Assert.That(coordinator.Store, Is.SameAs(store));
        Assert.That(await (await RawAsync()).KeyExistsAsync(Prefix + "{k}"), Is.True);
    }

    [Test]
    public async Task AddSessionKitRedisStore_ConnectionString_OpensOwnConnection()
    {
        var services = new ServiceCollection();
        services.AddDataProtection().PersistKeysToFileSystem(Keys);
        services.AddSessionKit(o => o.UseGoTrue(new Uri("http://127.0.0.1:1/auth/v1")));
        services.AddSessionKitRedisStore(Redis.Configuration);
        services.Configure<RedisTokenStoreOptions>(o => o.KeyPrefix = Prefix);
        await using var provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<ITokenStore>();
        await store.SetAsync("k", Sessions.Make(), CancellationToken.None);

        Assert.That(await store.GetAsync("k", CancellationToken.None), Is.Not.Null);
    }

    [Test]
    public void AddRedisStore_SectionWithEveryOption_BindsEachValue()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SessionKit:GoTrue:AuthUrl"] = "http://127.0.0.1:1/auth/v1",
            ["SessionKit:Redis:KeyPrefix"] = "my-app:sessions:",
            ["SessionKit:Redis:EntryLifetime"] = "14.00:00:00",
            ["SessionKit:Redis:EndLifetime"] = "2.00:00:00",
            ["SessionKit:Redis:LockLease"] = "00:00:20",
            ["SessionKit:Redis:LockWaitTimeout"] = "00:00:40",
            ["SessionKit:Redis:OperationTimeout"] = "00:00:03",
            ["SessionKit:Redis:ConnectTimeout"] = "00:00:04",
            ["SessionKit:Redis:WriteRetryTimeout"] = "00:00:06",
            ["SessionKit:Redis:Database"] = "3",
            ["SessionKit:Redis:Configuration"] = "redis1:6379,redis2:6379",
        }).Build();
        var services = new ServiceCollection();
        services.AddSessionKit(configuration.GetSection("SessionKit")).AddRedisStore(configuration.GetSection("SessionKit:Redis"));
        using var provider = services.BuildServiceProvider();

        var sut = provider.GetRequiredService<IOptions<RedisTokenStoreOptions>>().Value;

        Assert.Multiple(() =>
        {
            Assert.That(sut.KeyPrefix, Is.EqualTo("my-app:sessions:"));
            Assert.That(sut.EntryLifetime, Is.EqualTo(TimeSpan.FromDays(14)));
            Assert.That(sut.EndLifetime, Is.EqualTo(TimeSpan.FromDays(2)));
            Assert.That(sut.LockLease, Is.EqualTo(TimeSpan.FromSeconds(20)));
            Assert.That(sut.LockWaitTimeout, Is.EqualTo(TimeSpan.FromSeconds(40)));
            Assert.That(sut.OperationTimeout, Is.EqualTo(TimeSpan.FromSeconds(3)));
            Assert.That(sut.ConnectTimeout, Is.EqualTo(TimeSpan.FromSeconds(4)));
            Assert.That(sut.WriteRetryTimeout, Is.EqualTo(TimeSpan.FromSeconds(6)));
            Assert.That(sut.Database, Is.EqualTo(3));
            Assert.That(sut.Configuration, Is.EqualTo("redis1:6379,redis2:6379"));
        });
    }

    [TestCase("EntryLifetime", "00:00:10", "EntryLifetime")]
    [TestCase("KeyPrefix", "app:{x}:", "KeyPrefix")]
    [TestCase("Database", "16", "Database")]
    public void AddRedisStore_SectionValueOutOfRange_HostStartFailsNamingTheField(string key, string value, string message)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Redis:" + key] = value });
        builder.Services.AddDataProtection().PersistKeysToFileSystem(Keys);
        builder.Services.AddSessionKit(o => o.UseGoTrue(new Uri("http://127.0.0.1:1/auth/v1")))
            .AddRedisStore(builder.Configuration.GetSection("Redis"));
        using var host = builder.Build();

        var ex = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(ex!.Message, Does.Contain(message));
    }

    [Test]
    public void RedisTokenStoreOptions_EveryTimeSpanOutOfRange_FailsNamingTheFieldAndItsRange()
    {
        var properties = typeof(RedisTokenStoreOptions).GetProperties().Where(p => p.PropertyType == typeof(TimeSpan)).ToList();

        Assert.That(properties, Has.Count.EqualTo(7));
        Assert.Multiple(() =>
        {
            foreach (var property in properties)
            {
                var options = new RedisTokenStoreOptions();
                property.SetValue(options, TimeSpan.MaxValue);

                var result = new RedisTokenStoreOptionsValidator().Validate(Options.DefaultName, options);

                Assert.That(result.Failures, Has.One.StartWith($"{property.Name}: The field RedisTokenStoreOptions.{property.Name} must be between "), property.Name);
            }
        });
    }

    [Test]
    public void SessionKitRedisAssembly_Built_DoesNotReferenceDataAnnotations()
    {
        using var stream = File.OpenRead(typeof(RedisTokenStore).Assembly.Location);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var assemblies = metadata.AssemblyReferences.Select(h => metadata.GetString(metadata.GetAssemblyReference(h).Name)).ToList();
        var namespaces = metadata.TypeReferences.Select(h => metadata.GetString(metadata.GetTypeReference(h).Namespace)).Distinct().ToList();

        Assert.Multiple(() =>
        {
            Assert.That(assemblies, Does.Contain("SessionKit"), "the references were read");
            Assert.That(assemblies, Has.None.StartsWith("System.ComponentModel.Annotations").And.None.StartsWith("System.ComponentModel.DataAnnotations"));
            Assert.That(namespaces, Has.None.StartsWith("System.ComponentModel.DataAnnotations"));
        });
    }

    [Test]
    public void AddSessionKitRedisStore_NoConnection_ClearMessage()
    {
        var services = new ServiceCollection();
        services.AddSessionKitRedisStore();
        using var provider = services.BuildServiceProvider();

        Assert.That(() => provider.GetRequiredService<RedisTokenStore>(), Throws.InvalidOperationException.With.Message.Contains("IConnectionMultiplexer"));
    }

    [TestCase(nameof(RedisTokenStoreOptions.KeyPrefix), "")]
    [TestCase(nameof(RedisTokenStoreOptions.KeyPrefix), "app:{x}:")]
    [TestCase(nameof(RedisTokenStoreOptions.EntryLifetime), "00:00:10")]
    [TestCase(nameof(RedisTokenStoreOptions.EndLifetime), "00:00:00")]
    [TestCase(nameof(RedisTokenStoreOptions.LockLease), "00:00:00.100")]
    [TestCase(nameof(RedisTokenStoreOptions.LockWaitTimeout), "00:00:00")]
    [TestCase(nameof(RedisTokenStoreOptions.OperationTimeout), "00:10:00")]
    [TestCase(nameof(RedisTokenStoreOptions.ConnectTimeout), "00:00:00")]
    [TestCase(nameof(RedisTokenStoreOptions.WriteRetryTimeout), "-00:00:01")]
    [TestCase(nameof(RedisTokenStoreOptions.Database), "16")]
    [TestCase(nameof(RedisTokenStoreOptions.Configuration), " ")]
    [TestCase("LockLease-vs-OperationTimeout", "")]
    public void AddSessionKitRedisStore_InvalidOption_HostStartFailsNamingTheField(string field, string value)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddDataProtection().PersistKeysToFileSystem(Keys);
        builder.Services.AddSessionKit(o => o.UseGoTrue(new Uri("http://127.0.0.1:1/auth/v1")));
        builder.Services.AddSessionKitRedisStore(o =>
        {
            switch (field)
            {
                case nameof(o.KeyPrefix): o.KeyPrefix = value; break;
                case nameof(o.EntryLifetime): o.EntryLifetime = TimeSpan.Parse(value); break;
                case nameof(o.EndLifetime): o.EndLifetime = TimeSpan.Parse(value); break;
                case nameof(o.LockLease): o.LockLease = TimeSpan.Parse(value); break;
                case nameof(o.LockWaitTimeout): o.LockWaitTimeout = TimeSpan.Parse(value); break;
                case nameof(o.OperationTimeout): o.OperationTimeout = TimeSpan.Parse(value); break;
                case nameof(o.ConnectTimeout): o.ConnectTimeout = TimeSpan.Parse(value); break;
                case nameof(o.WriteRetryTimeout): o.WriteRetryTimeout = TimeSpan.Parse(value); break;
                case nameof(o.Database): o.Database = int.Parse(value); break;
                case nameof(o.Configuration): o.Configuration = value; break;
                default:
                    o.Configuration = "127.0.0.1:1";
                    o.LockLease = TimeSpan.FromSeconds(2);
                    o.OperationTimeout = TimeSpan.FromSeconds(5);
                    break;
            }
        });
        using var host = builder.Build();

        var ex = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(ex!.Message, Does.Contain(field.Split('-')[0]));
    }
}
