// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;
using Microsoft.Extensions.Time.Testing;
using RichardSzalay.MockHttp;
using SessionKit.Tests.Support;

namespace SessionKit.Tests.Handler;

/// <summary>Precise cases of <see cref="SessionHandler"/> with MockHttp: the 401 flow, origins, content, missing sessions.</summary>
[TestFixture]
public sealed class SessionHandlerTests
{
    private const string Api = "https://api.example.test";
    private const string TokenUrl = "https://auth.example.test/auth/v1/token";
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task SendAsync_401_RefreshesAndRetriesOnceWithNewToken()
    {
        using var api = new MockHttpMessageHandler(BackendDefinitionBehavior.NoExpectations);
        using var auth = new MockHttpMessageHandler();
        var old = TestJwt.Create();
        var fresh = TestJwt.Create();
        api.Expect(HttpMethod.Get, Api + "/me").WithHeaders("Authorization", "Bearer " + old).Respond(HttpStatusCode.Unauthorized);
        api.Expect(HttpMethod.Get, Api + "/me").WithHeaders("Authorization", "Bearer " + fresh).Respond("application/json", "{\"ok\":true}");
        api.Fallback.Throw(new InvalidOperationException("unexpected API request"));
        var refresh = auth.When(HttpMethod.Post, TokenUrl).Respond("application/json", TestJwt.TokenBody(fresh, "rotated00001"));
        auth.Fallback.Throw(new InvalidOperationException("unexpected token request"));
        var (client, store) = CreateSut(api, auth);
        await store.SetAsync("default", Valid(old), CancellationToken.None);

        using var response = await client.GetAsync("/me");

        api.VerifyNoOutstandingExpectation();
        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(auth.GetMatchCount(refresh), Is.EqualTo(1));
            Assert.That((await store.GetAsync("default", CancellationToken.None))!.RefreshToken, Is.EqualTo("rotated00001"));
        });
    }

    [Test]
    public async Task SendAsync_401AfterRetry_SecondResponseReturnedAsIs()
    {
        using var api = new MockHttpMessageHandler(BackendDefinitionBehavior.NoExpectations);
        using var auth = new MockHttpMessageHandler();
        api.Expect(HttpMethod.Post, Api + "/orders").Respond(HttpStatusCode.Unauthorized, "text/plain", "first");
        api.Expect(HttpMethod.Post, Api + "/orders").Respond(HttpStatusCode.Unauthorized, "text/plain", "second");
        api.Fallback.Throw(new InvalidOperationException("a third request must never be sent"));
        var refresh = auth.When(HttpMethod.Post, TokenUrl).Respond("application/json", TestJwt.TokenBody(TestJwt.Create(), "rotated00001"));
        var (client, store) = CreateSut(api, auth);
        await store.SetAsync("default", Valid(TestJwt.Create()), CancellationToken.None);

        using var response = await client.PostAsync("/orders", new StringContent("{\"id\":1}"));

        api.VerifyNoOutstandingExpectation();
        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("second"));
            Assert.That(auth.GetMatchCount(refresh), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task SendAsync_401WithStreamContent_NotRetriedAndNoRefresh()
    {
        using var api = new MockHttpMessageHandler();
        using var auth = new MockHttpMessageHandler();
        var upload = api.When(HttpMethod.Put, Api + "/upload").Respond(HttpStatusCode.Unauthorized);
        var refresh = auth.When(HttpMethod.Post, TokenUrl).Respond("application/json", TestJwt.TokenBody(TestJwt.Create(), "rotated00001"));
        var (client, store) = CreateSut(api, auth);
        await store.SetAsync("default", Valid(TestJwt.Create()), CancellationToken.None);

        using var response = await client.PutAsync("/upload", new StreamContent(new MemoryStream([1, 2, 3])));

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(api.GetMatchCount(upload), Is.EqualTo(1));
            Assert.That(auth.GetMatchCount(refresh), Is.Zero);
        });
    }

    [TestCase("https://evil.example.test/steal")]
    [TestCase("http://api.example.test/downgraded")]
    [TestCase("https://api.example.test:8443/other-port")]
    [TestCase("https://sub.api.example.test/child")]
    public async Task SendAsync_OtherOrigin_NoTokenAttached(string url)
    {
        using var api = new MockHttpMessageHandler();
        api.When(url).With(req => req.Headers.Authorization is null).Respond(HttpStatusCode.OK);
        api.Fallback.Respond(HttpStatusCode.Forbidden);
        using var auth = new MockHttpMessageHandler();
        var (client, store) = CreateSut(api, auth);
        await store.SetAsync("default", Valid(TestJwt.Create()), CancellationToken.None);

        using var response = await client.GetAsync(url);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the token must not be sent to " + url);
    }

    [Test]
    public async Task SendAsync_AllowedOrigin_TokenAttached()
    {
        using var api = new MockHttpMessageHandler();
        var token = TestJwt.Create();
        api.When(Api + "/me").WithHeaders("Authorization", "Bearer " + token).Respond(HttpStatusCode.OK);
        api.Fallback.Respond(HttpStatusCode.Forbidden);
        using var auth = new MockHttpMessageHandler();
        var (client, store) = CreateSut(api, auth);
        await store.SetAsync("default", Valid(token), CancellationToken.None);

        using var response = await client.GetAsync("https://API.example.test/me");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public void SendAsync_NoSession_ThrowsSessionRequired()
    {
        using var api = new MockHttpMessageHandler();
        using var auth = new MockHttpMessageHandler();
        var (client, _) = CreateSut(api, auth);

        Assert.ThrowsAsync<SessionRequiredException>(() => client.GetAsync("/me"));
    }

    [Test]
    public async Task SendAsync_NoSessionAndNotRequired_SentAnonymously()
    {
        using var api = new MockHttpMessageHandler();
        api.When(Api + "/public").With(req => req.Headers.Authorization is null).Respond(HttpStatusCode.OK);
        using var auth = new MockHttpMessageHandler();
        var (client, _) = CreateSut(api, auth, o => o.RequireSession = false);

        using var response = await client.GetAsync("/public");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task SendAsync_ProactiveRefreshFailsWhileTokenValid_SendsWithCurrentToken()
    {
        using var api = new MockHttpMessageHandler();
        var current = TestJwt.Create();
        api.When(Api + "/me").WithHeaders("Authorization", "Bearer " + current).Respond(HttpStatusCode.OK);
        using var auth = new MockHttpMessageHandler();
        auth.When(HttpMethod.Post, TokenUrl).Respond(HttpStatusCode.ServiceUnavailable);
        var (client, store) = CreateSut(api, auth, refresh: new RefreshOptions { MaxRetryAttempts = 0 });
        var session = new Session { AccessToken = current, RefreshToken = "current00001", ExpiresAt = Now.AddSeconds(10) };
        await store.SetAsync("default", session, CancellationToken.None);

        using var response = await client.GetAsync("/me");

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await store.GetAsync("default", CancellationToken.None), Is.SameAs(session));
        });
    }

    [Test]
    public async Task SendAsync_PerRequestSessionKey_UsesThatUsersToken()
    {
        using var api = new MockHttpMessageHandler();
        var alice = TestJwt.Create("alice");
        var bob = TestJwt.Create("bob");
        api.When(Api + "/me").WithHeaders("Authorization", "Bearer " + bob).Respond(HttpStatusCode.OK);
        api.Fallback.Respond(HttpStatusCode.Forbidden);
        using var auth = new MockHttpMessageHandler();
        var (client, store) = CreateSut(api, auth, o => o.SessionKeySelector = r => r.GetSessionKey());
        await store.SetAsync("alice", Valid(alice), CancellationToken.None);
        await store.SetAsync("bob", Valid(bob), CancellationToken.None);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/me").SetSessionKey("bob");

        using var response = await client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Send_Synchronous_NotSupported()
    {
        using var api = new MockHttpMessageHandler();
        using var auth = new MockHttpMessageHandler();
        var (client, store) = CreateSut(api, auth);
        await store.SetAsync("default", Valid(TestJwt.Create()), CancellationToken.None);

        Assert.Throws<NotSupportedException>(() => client.Send(new HttpRequestMessage(HttpMethod.Get, "/me")));
    }

    [Test]
    public async Task SendAsync_ProactiveRefreshWhileStoreUnavailable_SendsWithTheStillValidToken()
    {
        using var api = new MockHttpMessageHandler();
        using var auth = new MockHttpMessageHandler();
        var current = TestJwt.Create();
        api.Expect(HttpMethod.Get, Api + "/me").WithHeaders("Authorization", "Bearer " + current).Respond(HttpStatusCode.OK);
        auth.Fallback.Throw(new InvalidOperationException("the token endpoint must not be called while the lock is unreachable"));
        var time = new FakeTimeProvider(Now);
        var store = new UnavailableLockStore();
        var coordinator = new RefreshCoordinator(store, new GoTrueTokenClient(auth.ToHttpClient(), new GoTrueOptions { AuthUrl = new Uri("https://auth.example.test/auth/v1") }, time), new RefreshOptions { RetryBaseDelay = TimeSpan.Zero }, time);
        var options = new SessionHandlerOptions { RefreshMargin = TimeSpan.FromMinutes(5) };
        options.AllowedOrigins.Add(new Uri(Api));
        using var client = new HttpClient(new SessionHandler(coordinator, options, time) { InnerHandler = api }) { BaseAddress = new Uri(Api) };
        await store.SetAsync("default", new Session { AccessToken = current, RefreshToken = "current00001", ExpiresAt = Now.AddMinutes(2), IssuedAt = Now.AddMinutes(-58) }, CancellationToken.None);

        using var response = await client.GetAsync("me");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        api.VerifyNoOutstandingExpectation();
    }

    [Test]
    public void Constructor_NoAllowedOrigin_Throws()
    {
        var coordinator = new RefreshCoordinator(new InMemoryTokenStore(), new FakeRefresher());

        var ex = Assert.Throws<ArgumentException>(() => new SessionHandler(coordinator, new SessionHandlerOptions()));

        Assert.That(ex!.Message, Does.Contain("AllowedOrigins"));
    }

    private static Session Valid(string accessToken) => new() { AccessToken = accessToken, RefreshToken = "current00001", ExpiresAt = Now.AddHours(1), IssuedAt = Now };

    private static (HttpClient Client, ITokenStore Store) CreateSut(
        MockHttpMessageHandler api, MockHttpMessageHandler auth, Action<SessionHandlerOptions>? configure = null, RefreshOptions? refresh = null)
    {
        var time = new FakeTimeProvider(Now);
        var store = new InMemoryTokenStore();
        var tokenClient = new GoTrueTokenClient(auth.ToHttpClient(), new GoTrueOptions { AuthUrl = new Uri("https://auth.example.test/auth/v1") }, time);
        var coordinator = new RefreshCoordinator(store, tokenClient, refresh ?? new RefreshOptions { RetryBaseDelay = TimeSpan.Zero }, time);
        var options = new SessionHandlerOptions();
        options.AllowedOrigins.Add(new Uri(Api));
        configure?.Invoke(options);
        var handler = new SessionHandler(coordinator, options, time) { InnerHandler = api };
        return (new HttpClient(handler) { BaseAddress = new Uri(Api) }, store);
    }
}
