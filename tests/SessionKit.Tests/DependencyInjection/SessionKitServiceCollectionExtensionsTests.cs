// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SessionKit.Testing;
using SessionKit.Tests.Support;

namespace SessionKit.Tests.DependencyInjection;

/// <summary><c>AddSessionKit</c> and <c>AddSessionHandler</c>: wiring, defaults, replacement and validation at start.</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class SessionKitServiceCollectionExtensionsTests
{
    [Test]
    public async Task AddSessionKit_GoTrueAndHandler_EndToEndOverLoopback()
    {
        await using var server = await GoTrueTestServer.StartAsync(new GoTrueTestServerOptions { AccessTokenLifetime = TimeSpan.FromSeconds(2) });
        server.AddUser("ada@example.test", "pw");
        var services = new ServiceCollection();
        services.AddSessionKit(o => o.UseGoTrue(server.AuthUrl));
        services.AddHttpClient("api", c => c.BaseAddress = server.ApiUrl).AddSessionHandler();
        await using var provider = services.BuildServiceProvider(validateScopes: true);
        var sut = provider.GetRequiredService<SessionClient>();

        await sut.SignInWithPasswordAsync("ada@example.test", "pw");
        using var response = await provider.GetRequiredService<IHttpClientFactory>().CreateClient("api").GetAsync("me");

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(provider.GetRequiredService<ITokenRefresher>(), Is.InstanceOf<GoTrueTokenClient>());
            Assert.That(provider.GetRequiredService<ITokenStore>(), Is.InstanceOf<InMemoryTokenStore>());
        });
    }

    [Test]
    public void AddSessionKit_OAuth2_ResolvesOAuth2Client()
    {
        var services = new ServiceCollection();
        services.AddSessionKit(o => o.UseOAuth2(new Uri("https://login.example.test/connect/token"), "app", "secret"));
        using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<ITokenRefresher>(), Is.InstanceOf<OAuth2TokenClient>());
    }

    [Test]
    public void AddSessionKit_GoTrueOptionsSetByHand_ResolvesGoTrueClient()
    {
        var services = new ServiceCollection();
        services.AddSessionKit(o => o.GoTrue = new GoTrueOptions { AuthUrl = new Uri("https://auth.example.test/auth/v1") });
        using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<ITokenRefresher>(), Is.InstanceOf<GoTrueTokenClient>());
    }

    [Test]
    public void AddSessionKit_OAuth2OptionsSetByHandInALaterConfigure_ResolvesOAuth2Client()
    {
        var services = new ServiceCollection();
        services.AddSessionKit(_ => { });
        services.Configure<SessionKitOptions>(o => o.OAuth2 = new OAuth2Options { TokenEndpoint = new Uri("https://login.example.test/connect/token"), ClientId = "app" });
        using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<ITokenRefresher>(), Is.InstanceOf<OAuth2TokenClient>());
    }

    [Test]
    public void AddSessionKit_CustomStoreRegisteredFirst_IsKept()
    {
        var custom = new InMemoryTokenStore();
        var services = new ServiceCollection();
        services.AddSingleton<ITokenStore>(custom);
        services.AddSessionKit(o => o.UseGoTrue(new Uri("https://auth.example.test/auth/v1")));
        using var provider = services.BuildServiceProvider();

        Assert.That(provider.GetRequiredService<RefreshCoordinator>().Store, Is.SameAs(custom));
    }

    [Test]
    public void AddSessionKit_BothServersConfigured_FailsAtStartWithClearMessage()
    {
        using var host = BuildHost(s => s.AddSessionKit(o =>
        {
            o.UseGoTrue(new Uri("https://auth.example.test/auth/v1"));
            o.OAuth2 = new OAuth2Options { TokenEndpoint = new Uri("https://login.example.test/token"), ClientId = "app" };
        }));

        var ex = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(ex!.Message, Does.Contain("GoTrue or OAuth2, not both"));
    }

    [Test]
    public void AddSessionKit_InvalidRefreshOptions_FailsAtStart()
    {
        using var host = BuildHost(s => s.AddSessionKit(o =>
        {
            o.UseGoTrue(new Uri("https://auth.example.test/auth/v1"));
            o.Refresh.MaxRetryAttempts = -1;
            o.Refresh.AttemptTimeout = TimeSpan.FromMinutes(5);
        }));

        var ex = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain("MaxRetryAttempts"));
            Assert.That(ex.Message, Does.Contain("AttemptTimeout must not exceed"));
        });
    }

    [Test]
    public void AddSessionKit_NoServer_ClearMessageOnResolve()
    {
        var services = new ServiceCollection();
        services.AddSessionKit(_ => { });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<ITokenRefresher>());

        Assert.That(ex!.Message, Does.Contain("UseGoTrue"));
    }

    [Test]
    public void AddSessionKit_NoServer_FailsAtStartNotAtFirstUse()
    {
        using var host = BuildHost(s => s.AddSessionKit(_ => { }));

        var ex = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(ex!.Message, Does.Contain("has no token endpoint"));
    }

    [Test]
    public async Task AddSessionKit_OwnRefresherRegisteredAfterwards_StartsWithoutAServer()
    {
        using var host = BuildHost(s =>
        {
            s.AddSessionKit(_ => { });
            s.AddSingleton<ITokenRefresher>(new FakeRefresher());
        });

        await host.StartAsync();

        Assert.That(host.Services.GetRequiredService<ITokenRefresher>(), Is.InstanceOf<FakeRefresher>());
        await host.StopAsync();
    }

    [Test]
    public void AddSessionKit_BuilderAddFileStore_FileStoreReplacesTheDefault()
    {
        var path = Path.Combine(Path.GetTempPath(), "sessionkit-builder-" + Guid.NewGuid().ToString("N"), "sessions.dat");
        var services = new ServiceCollection();

        var builder = services.AddSessionKit(o => o.UseGoTrue(new Uri("https://auth.example.test/auth/v1"))).AddFileStore(o => o.Path = path);
        using var provider = services.BuildServiceProvider();

        Assert.Multiple(() =>
        {
            Assert.That(builder.Services, Is.SameAs(services));
            Assert.That(provider.GetRequiredService<ITokenStore>(), Is.InstanceOf<FileTokenStore>());
            Assert.That(((FileTokenStore)provider.GetRequiredService<ITokenStore>()).Path, Is.EqualTo(path));
        });
    }

    [Test]
    public void AddSessionHandler_NoBaseAddressNoOrigins_FailsAtStartNamingTheClient()
    {
        using var host = BuildHost(s =>
        {
            s.AddSessionKit(o => o.UseGoTrue(new Uri("https://auth.example.test/auth/v1")));
            s.AddHttpClient("orphan").AddSessionHandler();
        });

        var ex = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(ex!.Message, Does.Contain("'orphan'").And.Contain("BaseAddress"));
    }

    [Test]
    public void AddSessionHandler_NamedOptions_EachClientOnItsOwn()
    {
        var services = new ServiceCollection();
        services.AddSessionKit(o => o.UseGoTrue(new Uri("https://auth.example.test/auth/v1")));
        services.AddHttpClient("a", c => c.BaseAddress = new Uri("https://a.example.test/v1/")).AddSessionHandler(o => o.RefreshMargin = TimeSpan.FromSeconds(5));
        services.AddHttpClient("b", c => c.BaseAddress = new Uri("https://b.example.test/")).AddSessionHandler(o => o.SessionKey = "service");
        using var provider = services.BuildServiceProvider();
        var monitor = provider.GetRequiredService<IOptionsMonitor<SessionHandlerOptions>>();

        var a = monitor.Get("a");
        var b = monitor.Get("b");

        Assert.Multiple(() =>
        {
            Assert.That(a.RefreshMargin, Is.EqualTo(TimeSpan.FromSeconds(5)));
            Assert.That(a.AllowedOrigins.Single().Host, Is.EqualTo("a.example.test"));
            Assert.That(b.SessionKey, Is.EqualTo("service"));
            Assert.That(b.AllowedOrigins.Single().Host, Is.EqualTo("b.example.test"));
        });
    }

    [Test]
    public void AddSessionKit_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => SessionKitServiceCollectionExtensions.AddSessionKit(null!, _ => { }));
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddSessionKit((Action<SessionKitOptions>)null!));
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddSessionKit((IConfigurationSection)null!));
        Assert.Throws<ArgumentNullException>(() => SessionKitHttpClientBuilderExtensions.AddSessionHandler(null!));
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddHttpClient("api").AddSessionHandler((IConfigurationSection)null!));
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddHttpClient("api").AddSessionHandler((Action<SessionHandlerOptions>)null!));
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddSessionKitFileStore((IConfigurationSection)null!));
    }

    private static IHost BuildHost(Action<IServiceCollection> configure)
    {
        var builder = Host.CreateApplicationBuilder();
        configure(builder.Services);
        return builder.Build();
    }
}
