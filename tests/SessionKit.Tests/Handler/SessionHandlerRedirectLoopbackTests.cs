// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SessionKit.Testing;
using SessionKit.Tests.Support;

namespace SessionKit.Tests.Handler;

/// <summary>
/// Redirects over real HTTP: a GoTrue test server for tokens, an API on one Kestrel origin and a foreign host on another,
/// wired as the README shows (<c>AddSessionKit</c> + <c>AddHttpClient</c> + <c>AddSessionHandler</c>) and by hand.
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class SessionHandlerRedirectLoopbackTests
{
    private const string Email = "ada@example.test";
    private GoTrueTestServer _auth = null!;
    private LoopbackServer _foreign = null!;
    private LoopbackServer _api = null!;

    [SetUp]
    public async Task SetUp()
    {
        _auth = await GoTrueTestServer.StartAsync();
        _auth.AddUser(Email, "pw-1");
        _foreign = await LoopbackServer.StartAsync((context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return Task.CompletedTask;
        });
        _api = await LoopbackServer.StartAsync((context, request) => request.PathAndQuery switch
        {
            "/leak" => LoopbackServer.Redirect(context, 302, new Uri(_foreign.BaseAddress, "collect").ToString()),
            "/items" => LoopbackServer.Redirect(context, 301, "/items/"),
            _ => LoopbackServer.RequireBearer(context, request),
        });
    }

    [TearDown]
    public async Task TearDown()
    {
        await _api.DisposeAsync();
        await _foreign.DisposeAsync();
        await _auth.DisposeAsync();
    }

    [Test]
    public async Task AddSessionHandler_RedirectToOtherOriginAnswering401_NoTokenThereAndNoRefresh()
    {
        await using var provider = await BuildReadmeSetupAsync();
        var api = provider.GetRequiredService<IHttpClientFactory>().CreateClient("api");

        using var response = await api.GetAsync("leak");

        await AssertNoLeakAsync(provider, response);
    }

    [Test]
    public async Task AddSessionHandler_SameOriginRedirect_EveryRequestSucceedsWithoutRefresh()
    {
        await using var provider = await BuildReadmeSetupAsync();
        var api = provider.GetRequiredService<IHttpClientFactory>().CreateClient("api");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await api.GetAsync("items");
            statuses.Add(response.StatusCode);
        }

        Assert.Multiple(() =>
        {
            Assert.That(statuses, Has.All.EqualTo(HttpStatusCode.OK));
            Assert.That(_auth.Counters.RefreshRequests, Is.Zero, "a valid session is never rotated because of a redirect");
            Assert.That(_api.Received.Where(r => r.PathAndQuery == "/items/").Select(r => r.Authorization), Has.All.StartWith("Bearer "));
        });
    }

    [TestCase("sockets-after")]
    [TestCase("clienthandler-before")]
    [TestCase("wrapped-after")]
    public async Task AddSessionHandler_AppSetsItsOwnPrimaryHandler_RedirectsStillOwnedBySessionKit(string how)
    {
        await using var provider = await BuildReadmeSetupAsync(builder => how switch
        {
            "sockets-after" => builder.AddSessionHandler().ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler()),
            "clienthandler-before" => builder.ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler()).AddSessionHandler(),
            _ => builder.AddSessionHandler().ConfigurePrimaryHttpMessageHandler(() => new PassThroughHandler { InnerHandler = new SocketsHttpHandler() }),
        });
        var api = provider.GetRequiredService<IHttpClientFactory>().CreateClient("api");

        using var same = await api.GetAsync("items");
        using var leak = await api.GetAsync("leak");

        Assert.That(same.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await AssertNoLeakAsync(provider, leak);
    }

    [Test]
    public async Task SendAsync_HandBuiltOverAutoRedirectingHandler_RedirectTo401NeverRefreshes()
    {
        using var sut = new Harness(_auth, configureHandler: o => o.AllowedOrigins.Add(_api.BaseAddress), apiHandler: new SocketsHttpHandler { AllowAutoRedirect = true });
        var signedIn = await sut.SignInDirectAsync(Email);

        using var leak = await sut.Api.GetAsync(new Uri(_api.BaseAddress, "leak"));
        using var same = await sut.Api.GetAsync(new Uri(_api.BaseAddress, "items"));

        var stored = await sut.Store.GetAsync("default", CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(leak.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(same.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the inner handler dropped the token on the hop; documented");
            Assert.That(_foreign.Received.Select(r => r.Authorization), Is.EqualTo(new string?[] { null }), "the foreign host saw one request, without a token");
            Assert.That(_auth.Counters.RefreshRequests, Is.Zero);
            Assert.That(Session.SameTokens(stored, signedIn), Is.True);
        });
    }

    private async Task<ServiceProvider> BuildReadmeSetupAsync(Func<IHttpClientBuilder, IHttpClientBuilder>? handler = null)
    {
        var services = new ServiceCollection();
        services.AddSessionKit(o => o.UseGoTrue(_auth.AuthUrl));
        var client = services.AddHttpClient("api", c => c.BaseAddress = _api.BaseAddress);
        (handler ?? (b => b.AddSessionHandler()))(client);
        var provider = services.BuildServiceProvider();
        var issued = _auth.IssueSession(Email);
        var now = TimeProvider.System.GetUtcNow();
        await provider.GetRequiredService<SessionClient>().SetSessionAsync(new Session
        {
            AccessToken = issued.AccessToken,
            RefreshToken = issued.RefreshToken,
            ExpiresAt = now + issued.ExpiresIn,
            IssuedAt = now,
        });
        return provider;
    }

    private async Task AssertNoLeakAsync(ServiceProvider provider, HttpResponseMessage response)
    {
        var stored = await provider.GetRequiredService<ITokenStore>().GetAsync("default", CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(_foreign.Received.Select(r => r.Authorization), Is.EqualTo(new string?[] { null }), "the foreign host saw one request, without a token");
            Assert.That(_auth.Counters.RefreshRequests, Is.Zero, "a 401 from a host that never saw a token rotates nothing");
            Assert.That(stored!.Version, Is.Zero);
        });
    }

    private sealed class PassThroughHandler : DelegatingHandler
    {
    }
}
