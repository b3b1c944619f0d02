// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace SessionKit.Tests.DependencyInjection;

/// <summary>
/// The <see cref="IConfigurationSection"/> overloads of <c>AddSessionKit</c>, <c>AddSessionHandler</c> and <c>AddFileStore</c>:
/// every option binds (TimeSpans, enums, URLs, lists), bad values fail at start with a message naming the field or the path, and
/// what a reload changes.
/// </summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class ConfigurationSectionTests
{
    [Test]
    public void AddSessionKit_SectionWithEveryGoTrueAndRefreshOption_BindsEachValue()
    {
        var configuration = Configuration(new()
        {
            ["SessionKit:GoTrue:AuthUrl"] = "https://project.example.test/auth/v1",
            ["SessionKit:GoTrue:ApiKey"] = "anon-key",
            ["SessionKit:GoTrue:SignOutScope"] = "Global",
            ["SessionKit:GoTrue:MaxResponseBodyBytes"] = "4096",
            ["SessionKit:Refresh:AttemptTimeout"] = "00:00:07",
            ["SessionKit:Refresh:MaxRetryAttempts"] = "5",
            ["SessionKit:Refresh:RetryBaseDelay"] = "00:00:00.250",
            ["SessionKit:Refresh:MaxRetryDelay"] = "00:00:20",
            ["SessionKit:Refresh:CircuitBreakerEnabled"] = "false",
            ["SessionKit:Refresh:CircuitBreakerFailureRatio"] = "0.25",
            ["SessionKit:Refresh:CircuitBreakerMinimumThroughput"] = "10",
            ["SessionKit:Refresh:CircuitBreakerSamplingDuration"] = "00:02:00",
            ["SessionKit:Refresh:CircuitBreakerBreakDuration"] = "00:00:45",
            ["SessionKit:Refresh:MinimumRefreshInterval"] = "00:00:03",
            ["SessionKit:Refresh:SettleDelay"] = "00:00:09",
            ["SessionKit:Refresh:TotalTimeout"] = "00:01:30",
        });
        var services = new ServiceCollection();
        services.AddSessionKit(configuration.GetSection("SessionKit"));
        using var provider = services.BuildServiceProvider();

        var sut = provider.GetRequiredService<IOptions<SessionKitOptions>>().Value;

        Assert.Multiple(() =>
        {
            Assert.That(sut.OAuth2, Is.Null);
            Assert.That(sut.GoTrue!.AuthUrl, Is.EqualTo(new Uri("https://project.example.test/auth/v1")));
            Assert.That(sut.GoTrue.ApiKey, Is.EqualTo("anon-key"));
            Assert.That(sut.GoTrue.SignOutScope, Is.EqualTo(GoTrueSignOutScope.Global));
            Assert.That(sut.GoTrue.MaxResponseBodyBytes, Is.EqualTo(4096));
            Assert.That(sut.Refresh.AttemptTimeout, Is.EqualTo(TimeSpan.FromSeconds(7)));
            Assert.That(sut.Refresh.MaxRetryAttempts, Is.EqualTo(5));
            Assert.That(sut.Refresh.RetryBaseDelay, Is.EqualTo(TimeSpan.FromMilliseconds(250)));
            Assert.That(sut.Refresh.MaxRetryDelay, Is.EqualTo(TimeSpan.FromSeconds(20)));
            Assert.That(sut.Refresh.CircuitBreakerEnabled, Is.False);
            Assert.That(sut.Refresh.CircuitBreakerFailureRatio, Is.EqualTo(0.25));
            Assert.That(sut.Refresh.CircuitBreakerMinimumThroughput, Is.EqualTo(10));
            Assert.That(sut.Refresh.CircuitBreakerSamplingDuration, Is.EqualTo(TimeSpan.FromMinutes(2)));
            Assert.That(sut.Refresh.CircuitBreakerBreakDuration, Is.EqualTo(TimeSpan.FromSeconds(45)));
            Assert.That(sut.Refresh.MinimumRefreshInterval, Is.EqualTo(TimeSpan.FromSeconds(3)));
            Assert.That(sut.Refresh.SettleDelay, Is.EqualTo(TimeSpan.FromSeconds(9)));
            Assert.That(sut.Refresh.TotalTimeout, Is.EqualTo(TimeSpan.FromSeconds(90)));
            Assert.That(provider.GetRequiredService<ITokenRefresher>(), Is.InstanceOf<GoTrueTokenClient>());
        });
    }

    [Test]
    public void AddSessionKit_SectionWithEveryOAuth2Option_BindsEachValueAndTheClientUsesThem()
    {
        var configuration = Configuration(new()
        {
            ["SessionKit:OAuth2:TokenEndpoint"] = "https://login.example.test/connect/token",
            ["SessionKit:OAuth2:RevocationEndpoint"] = "https://login.example.test/connect/revocation",
            ["SessionKit:OAuth2:ClientId"] = "app",
            ["SessionKit:OAuth2:ClientSecret"] = "secret",
            ["SessionKit:OAuth2:ClientAuthentication"] = "RequestBody",
            ["SessionKit:OAuth2:Scope"] = "openid offline_access",
            ["SessionKit:OAuth2:SendScopeOnRefresh"] = "true",
            ["SessionKit:OAuth2:RefreshTokenReuse"] = "Leeway",
            ["SessionKit:OAuth2:RefreshTokenReuseLeeway"] = "00:00:45",
            ["SessionKit:OAuth2:MaxResponseBodyBytes"] = "8192",
        });
        var services = new ServiceCollection();
        services.AddSessionKit(configuration.GetSection("SessionKit"));
        using var provider = services.BuildServiceProvider();

        var sut = provider.GetRequiredService<IOptions<SessionKitOptions>>().Value.OAuth2!;

        Assert.Multiple(() =>
        {
            Assert.That(sut.TokenEndpoint, Is.EqualTo(new Uri("https://login.example.test/connect/token")));
            Assert.That(sut.RevocationEndpoint, Is.EqualTo(new Uri("https://login.example.test/connect/revocation")));
            Assert.That(sut.ClientId, Is.EqualTo("app"));
            Assert.That(sut.ClientSecret, Is.EqualTo("secret"));
            Assert.That(sut.ClientAuthentication, Is.EqualTo(OAuth2ClientAuthentication.RequestBody));
            Assert.That(sut.Scope, Is.EqualTo("openid offline_access"));
            Assert.That(sut.SendScopeOnRefresh, Is.True);
            Assert.That(sut.RefreshTokenReuse, Is.EqualTo(RefreshTokenReuse.Leeway));
            Assert.That(sut.RefreshTokenReuseLeeway, Is.EqualTo(TimeSpan.FromSeconds(45)));
            Assert.That(sut.MaxResponseBodyBytes, Is.EqualTo(8192));
            Assert.That(provider.GetRequiredService<ITokenRefresher>().RefreshTokenReuseWindow, Is.EqualTo(TimeSpan.FromSeconds(45)));
        });
    }

    [Test]
    public void AddSessionHandler_SectionWithEveryOption_BindsEachValueBesideTheBaseAddress()
    {
        var configuration = Configuration(new()
        {
            ["Api:SessionKey"] = "user-42",
            ["Api:RefreshMargin"] = "00:01:00",
            ["Api:AllowedOrigins:0"] = "https://files.example.test",
            ["Api:AllowedOrigins:1"] = "https://media.example.test:8443",
            ["Api:RequireSession"] = "false",
            ["Api:RetryOnUnauthorized"] = "false",
            ["Api:FollowRedirects"] = "false",
            ["Api:MaxRedirects"] = "7",
        });
        var services = new ServiceCollection();
        services.AddSessionKit(o => o.UseGoTrue(new Uri("https://auth.example.test/auth/v1")));
        services.AddHttpClient("api", c => c.BaseAddress = new Uri("https://api.example.test/v1/")).AddSessionHandler(configuration.GetSection("Api"));
        services.AddHttpClient("other", c => c.BaseAddress = new Uri("https://other.example.test/")).AddSessionHandler();
        using var provider = services.BuildServiceProvider();
        var monitor = provider.GetRequiredService<IOptionsMonitor<SessionHandlerOptions>>();

        var sut = monitor.Get("api");

        Assert.Multiple(() =>
        {
            Assert.That(sut.SessionKey, Is.EqualTo("user-42"));
            Assert.That(sut.RefreshMargin, Is.EqualTo(TimeSpan.FromMinutes(1)));
            Assert.That(sut.AllowedOrigins, Is.EquivalentTo(new[]
            {
                new Uri("https://files.example.test"), new Uri("https://media.example.test:8443"), new Uri("https://api.example.test/v1/"),
            }));
            Assert.That(sut.RequireSession, Is.False);
            Assert.That(sut.RetryOnUnauthorized, Is.False);
            Assert.That(sut.FollowRedirects, Is.False);
            Assert.That(sut.MaxRedirects, Is.EqualTo(7));
            Assert.That(monitor.Get("other").SessionKey, Is.EqualTo("default"), "the section configures its own client only");
        });
    }

    [Test]
    public void AddSessionHandler_SectionAndCodeForTheSelector_BothApply()
    {
        var configuration = Configuration(new() { ["Api:RefreshMargin"] = "00:00:05" });
        var services = new ServiceCollection();
        services.AddSessionKit(o => o.UseGoTrue(new Uri("https://auth.example.test/auth/v1")));
        services.AddHttpClient("api", c => c.BaseAddress = new Uri("https://api.example.test/")).AddSessionHandler(configuration.GetSection("Api"));
        services.Configure<SessionHandlerOptions>("api", o => o.SessionKeySelector = r => r.GetSessionKey());
        using var provider = services.BuildServiceProvider();

        var sut = provider.GetRequiredService<IOptionsMonitor<SessionHandlerOptions>>().Get("api");

        Assert.Multiple(() =>
        {
            Assert.That(sut.RefreshMargin, Is.EqualTo(TimeSpan.FromSeconds(5)));
            Assert.That(sut.SessionKeySelector, Is.Not.Null);
            Assert.That(sut.SessionKey, Is.EqualTo("default"), "a key the section does not name keeps its default");
        });
    }

    [Test]
    public void AddFileStore_SectionWithEveryOption_BindsEachValue()
    {
        var configuration = Configuration(new()
        {
            ["SessionKit:GoTrue:AuthUrl"] = "https://auth.example.test/auth/v1",
            ["SessionKit:FileStore:Path"] = "/var/lib/app/sessions.dat",
            ["SessionKit:FileStore:KeyPath"] = "/etc/app/sessions.key",
            ["SessionKit:FileStore:LockTimeout"] = "00:00:12",
        });
        var services = new ServiceCollection();
        services.AddSessionKit(configuration.GetSection("SessionKit")).AddFileStore(configuration.GetSection("SessionKit:FileStore"));
        using var provider = services.BuildServiceProvider();

        var sut = provider.GetRequiredService<IOptions<FileTokenStoreOptions>>().Value;

        Assert.Multiple(() =>
        {
            Assert.That(sut.Path, Is.EqualTo("/var/lib/app/sessions.dat"));
            Assert.That(sut.KeyPath, Is.EqualTo("/etc/app/sessions.key"));
            Assert.That(sut.LockTimeout, Is.EqualTo(TimeSpan.FromSeconds(12)));
            Assert.That(provider.GetRequiredService<ITokenStore>(), Is.InstanceOf<FileTokenStore>());
        });
    }

    [TestCase("SessionKit:Refresh:AttemptTimeout", "02:00:00", "AttemptTimeout")]
    [TestCase("SessionKit:Refresh:MaxRetryAttempts", "50", "MaxRetryAttempts")]
    [TestCase("SessionKit:Refresh:CircuitBreakerFailureRatio", "1.5", "CircuitBreakerFailureRatio")]
    [TestCase("SessionKit:Refresh:RetryBaseDelay", "00:00:30", "RetryBaseDelay must not exceed Refresh.MaxRetryDelay")]
    [TestCase("SessionKit:GoTrue:AuthUrl", "/auth/v1", "AuthUrl must be an absolute URL")]
    [TestCase("SessionKit:GoTrue:MaxResponseBodyBytes", "10", "MaxResponseBodyBytes")]
    [TestCase("FileStore:LockTimeout", "00:00:00", "LockTimeout")]
    [TestCase("Api:RefreshMargin", "2.00:00:00", "RefreshMargin")]
    [TestCase("Api:AllowedOrigins:0", "/relative", "must be an absolute URL")]
    [TestCase("Api:MaxRedirects", "0", "MaxRedirects")]
    public void StartAsync_SectionValueOutOfRange_FailsNamingTheField(string key, string value, string message)
    {
        using var host = BuildHost(new() { ["SessionKit:GoTrue:AuthUrl"] = "https://auth.example.test/auth/v1", [key] = value });

        var ex = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(ex!.Message, Does.Contain(message));
    }

    [TestCase("SessionKit:Refresh:TotalTimeout", "soon")]
    [TestCase("SessionKit:GoTrue:SignOutScope", "Everywhere")]
    [TestCase("SessionKit:Refresh:MaxRetryAttempts", "three")]
    [TestCase("FileStore:LockTimeout", "30 seconds")]
    [TestCase("Api:RefreshMargin", "1 minute")]
    public void StartAsync_SectionValueNotConvertible_FailsNamingThePath(string key, string value)
    {
        using var host = BuildHost(new() { ["SessionKit:GoTrue:AuthUrl"] = "https://auth.example.test/auth/v1", [key] = value });

        var ex = Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.That(ex!.Message, Does.Contain($"'{key}'").And.Contain("Failed to convert"));
    }

    [Test]
    public void StartAsync_SectionWithoutATokenEndpoint_FailsWithClearMessage()
    {
        using var host = BuildHost(new() { ["SessionKit:Refresh:AttemptTimeout"] = "00:00:10" });

        var ex = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(ex!.Message, Does.Contain("SessionKit has no token endpoint"));
    }

    [Test]
    public async Task Reload_SessionKitSection_MonitorSeesTheChangeButSessionKitKeepsTheValuesItStartedWith()
    {
        var configuration = Configuration(new()
        {
            ["SessionKit:GoTrue:AuthUrl"] = "https://auth.example.test/auth/v1",
            ["SessionKit:Refresh:AttemptTimeout"] = "00:00:10",
        });
        var services = new ServiceCollection();
        services.AddSessionKit(configuration.GetSection("SessionKit"));
        await using var provider = services.BuildServiceProvider();
        var used = provider.GetRequiredService<IOptions<SessionKitOptions>>().Value;
        var monitor = provider.GetRequiredService<IOptionsMonitor<SessionKitOptions>>();
        _ = provider.GetRequiredService<RefreshCoordinator>();

        configuration["SessionKit:Refresh:AttemptTimeout"] = "00:00:05";
        configuration.Reload();

        Assert.Multiple(() =>
        {
            Assert.That(monitor.CurrentValue.Refresh.AttemptTimeout, Is.EqualTo(TimeSpan.FromSeconds(5)));
            Assert.That(provider.GetRequiredService<IOptions<SessionKitOptions>>().Value, Is.SameAs(used));
            Assert.That(used.Refresh.AttemptTimeout, Is.EqualTo(TimeSpan.FromSeconds(10)), "the coordinator and token client read IOptions once");
        });
    }

    [Test]
    public async Task Reload_SessionHandlerSection_NewHandlerChainsSeeTheChange()
    {
        var configuration = Configuration(new() { ["Api:RefreshMargin"] = "00:00:10" });
        var services = new ServiceCollection();
        services.AddSessionKit(o => o.UseGoTrue(new Uri("https://auth.example.test/auth/v1")));
        services.AddHttpClient("api", c => c.BaseAddress = new Uri("https://api.example.test/")).AddSessionHandler(configuration.GetSection("Api"));
        await using var provider = services.BuildServiceProvider();
        var monitor = provider.GetRequiredService<IOptionsMonitor<SessionHandlerOptions>>();
        var before = monitor.Get("api");

        configuration["Api:RefreshMargin"] = "00:00:20";
        configuration.Reload();
        var after = monitor.Get("api");

        Assert.Multiple(() =>
        {
            Assert.That(before.RefreshMargin, Is.EqualTo(TimeSpan.FromSeconds(10)), "a handler built before keeps its options object");
            Assert.That(after.RefreshMargin, Is.EqualTo(TimeSpan.FromSeconds(20)));
            Assert.That(after.AllowedOrigins, Is.EqualTo(new[] { new Uri("https://api.example.test") }), "rebuilt, not appended to");
        });
    }

    [Test]
    public async Task Reload_SessionHandlerSectionTurnsInvalid_NewHandlerChainsFailWithTheValidationMessage()
    {
        var configuration = Configuration(new() { ["Api:RefreshMargin"] = "00:00:10" });
        var services = new ServiceCollection();
        services.AddSessionKit(o => o.UseGoTrue(new Uri("https://auth.example.test/auth/v1")));
        services.AddHttpClient("api", c => c.BaseAddress = new Uri("https://api.example.test/")).AddSessionHandler(configuration.GetSection("Api"));
        await using var provider = services.BuildServiceProvider();
        var monitor = provider.GetRequiredService<IOptionsMonitor<SessionHandlerOptions>>();
        _ = monitor.Get("api");

        configuration["Api:RefreshMargin"] = "3.00:00:00";

        // IOptionsMonitor re-creates the options as soon as the change is signalled, so the reload itself reports the failure.
        Assert.Multiple(() =>
        {
            Assert.That(configuration.Reload, Throws.InstanceOf<AggregateException>().With.InnerException.TypeOf<OptionsValidationException>().And.Message.Contains("RefreshMargin"));
            Assert.That(() => monitor.Get("api"), Throws.TypeOf<OptionsValidationException>().With.Message.Contains("RefreshMargin"));
        });
    }

    private static IConfigurationRoot Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static IHost BuildHost(Dictionary<string, string?> values)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(values);
        var configuration = builder.Configuration;
        builder.Services.AddSessionKit(configuration.GetSection("SessionKit")).AddFileStore(configuration.GetSection("FileStore"));
        builder.Services.AddHttpClient("api", c => c.BaseAddress = new Uri("https://api.example.test/")).AddSessionHandler(configuration.GetSection("Api"));
        return builder.Build();
    }
}
