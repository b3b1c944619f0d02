// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SessionKit.Tests.Support;

namespace SessionKit.Tests.DependencyInjection;

/// <summary>
/// The token endpoint's named client never follows a redirect: a 307/308 would re-post the refresh token to another host.
/// Real HTTP: the token endpoint on one Kestrel origin redirects to a second one that records what it received.
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class TokenEndpointClientRedirectTests
{
    private const string RefreshToken = "rt-SECRET-redirect-0001";
    private LoopbackServer _other = null!;
    private LoopbackServer _tokenEndpoint = null!;
    private int _status;

    [SetUp]
    public async Task SetUp()
    {
        // The other host would hand out a valid token response: following the redirect would "work", and leak the token.
        _other = await LoopbackServer.StartAsync((context, _) =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync(TestJwt.TokenBody(TestJwt.Create(), "rt-from-elsewhere"));
        });
        _tokenEndpoint = await LoopbackServer.StartAsync((context, _) =>
            LoopbackServer.Redirect(context, _status, new Uri(_other.BaseAddress, "token").ToString()));
    }

    [TearDown]
    public async Task TearDown()
    {
        await _tokenEndpoint.DisposeAsync();
        await _other.DisposeAsync();
    }

    [TestCase(307, false)]
    [TestCase(308, false)]
    [TestCase(307, true)]
    [TestCase(308, true)]
    public async Task AddSessionKit_TokenEndpointRedirects_RefreshTokenNeverReachesOtherHostAndSessionKept(int status, bool appSetsPrimaryHandler)
    {
        _status = status;
        var services = new ServiceCollection();
        services.AddSessionKit(o =>
        {
            o.UseOAuth2(new Uri(_tokenEndpoint.BaseAddress, "token"), "app", "secret");
            o.Refresh.MaxRetryAttempts = 1;
            o.Refresh.RetryBaseDelay = TimeSpan.Zero;
            o.Refresh.CircuitBreakerEnabled = false;
        });
        if (appSetsPrimaryHandler)
        {
            services.AddHttpClient(SessionKitServiceCollectionExtensions.TokenEndpointClientName)
                .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = true });
        }

        await using var provider = services.BuildServiceProvider();
        var session = new Session { AccessToken = TestJwt.Create(), RefreshToken = RefreshToken, ExpiresAt = DateTimeOffset.MaxValue.AddDays(-1) };
        await provider.GetRequiredService<SessionClient>().SetSessionAsync(session);

        var ex = Assert.ThrowsAsync<SessionRefreshException>(() => provider.GetRequiredService<RefreshCoordinator>().RefreshAsync("default", null, CancellationToken.None));

        var stored = await provider.GetRequiredService<ITokenStore>().GetAsync("default", CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(ex!.IsTransient, Is.True, "a redirect is an unusable answer, classified Transient");
            Assert.That(_other.Received, Is.Empty, "the redirect was never followed");
            Assert.That(_tokenEndpoint.Received, Has.Count.EqualTo(2), "the attempt and its one retry, both to the configured endpoint");
            Assert.That(_tokenEndpoint.Received, Has.All.Matches<ReceivedRequest>(r => r.Body.Contains(RefreshToken, StringComparison.Ordinal)));
            Assert.That(Session.SameTokens(stored, session), Is.True, "the session is kept");
        });
    }
}
