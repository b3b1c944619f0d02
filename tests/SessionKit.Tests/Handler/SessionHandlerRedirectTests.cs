// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Time.Testing;
using SessionKit.Tests.Support;

namespace SessionKit.Tests.Handler;

/// <summary>
/// Redirects followed by <see cref="SessionHandler"/> itself, hop by hop, over a scripted terminal handler that records what
/// went on the wire; and the caller's own <c>Authorization</c> header.
/// </summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class SessionHandlerRedirectTests
{
    private const string Api = "https://api.example.test";
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task SendAsync_RedirectToOtherOriginAnswering401_NoTokenThereAndNoRefresh()
    {
        var sut = await CreateSutAsync((request, call) => call == 1
            ? Redirect(302, "https://evil.example.test/collect")
            : Unauthorized("Bearer"));

        using var response = await sut.Client.GetAsync("/leak");

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(sut.Inner.Sent.Select(s => s.Uri.Host), Is.EqualTo(new[] { "api.example.test", "evil.example.test" }));
            Assert.That(sut.Inner.Sent[1].Authorization, Is.Null, "no token for the other origin");
            Assert.That(sut.Refresher.Calls, Is.Zero, "a 401 from another origin never causes a refresh");
        });
    }

    [Test]
    public async Task SendAsync_SameOriginRedirect_CurrentTokenAtEveryHopAndNoRefresh()
    {
        var sut = await CreateSutAsync((request, _) => request.RequestUri!.AbsolutePath == "/items"
            ? Redirect(301, "/items/")
            : RequireBearer(request));

        using var response = await sut.Client.GetAsync("/items");

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(sut.Inner.Sent.Select(s => s.Uri.AbsolutePath), Is.EqualTo(new[] { "/items", "/items/" }));
            Assert.That(sut.Inner.Sent.Select(s => s.Authorization), Has.All.EqualTo("Bearer " + sut.Session.AccessToken));
            Assert.That(sut.Refresher.Calls, Is.Zero);
        });
    }

    [Test]
    public async Task SendAsync_RedirectToSecondAllowedOrigin_CurrentTokenAttached()
    {
        var sut = await CreateSutAsync(
            (request, call) => call == 1 ? Redirect(302, "https://files.example.test/doc") : RequireBearer(request),
            o => o.AllowedOrigins.Add(new Uri("https://files.example.test")));

        using var response = await sut.Client.GetAsync("/doc");

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(sut.Inner.Sent[1].Authorization, Is.EqualTo("Bearer " + sut.Session.AccessToken));
        });
    }

    [Test]
    public async Task SendAsync_RedirectFromOtherOriginToAllowedOrigin_TokenOnlyAtAllowedHop()
    {
        var sut = await CreateSutAsync((request, call) => call == 1 ? Redirect(302, Api + "/y") : RequireBearer(request));

        using var response = await sut.Client.GetAsync("https://cdn.example.test/x");

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(sut.Inner.Sent[0].Authorization, Is.Null);
            Assert.That(sut.Inner.Sent[1].Authorization, Is.EqualTo("Bearer " + sut.Session.AccessToken));
        });
    }

    [Test]
    public async Task SendAsync_401AtAllowedHopAfterRedirect_RefreshesOnceAndRetriesThere()
    {
        var sut = await CreateSutAsync((request, call) => call switch
        {
            1 => Redirect(302, "/b"),
            2 => Unauthorized("Bearer error=\"invalid_token\""),
            _ => RequireBearer(request),
        });

        using var response = await sut.Client.GetAsync("/a");

        var stored = await sut.Store.GetAsync("default", CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(sut.Refresher.Calls, Is.EqualTo(1));
            Assert.That(sut.Inner.Sent.Select(s => s.Uri.AbsolutePath), Is.EqualTo(new[] { "/a", "/b", "/b" }));
            Assert.That(sut.Inner.Sent[2].Authorization, Is.EqualTo("Bearer " + stored!.AccessToken));
        });
    }

    [TestCase("POST", 301, "GET", false)]
    [TestCase("POST", 302, "GET", false)]
    [TestCase("POST", 303, "GET", false)]
    [TestCase("PUT", 303, "GET", false)]
    [TestCase("DELETE", 303, "GET", false)]
    [TestCase("HEAD", 303, "HEAD", false)]
    [TestCase("PUT", 301, "PUT", true)]
    [TestCase("PUT", 302, "PUT", true)]
    [TestCase("POST", 307, "POST", true)]
    [TestCase("POST", 308, "POST", true)]
    public async Task SendAsync_RedirectStatus_MethodAndContentAsHttpClientHandler(string method, int status, string expectedMethod, bool contentKept)
    {
        var sut = await CreateSutAsync((request, call) => call == 1 ? Redirect(status, "/next") : RequireBearer(request));
        using var request = new HttpRequestMessage(new HttpMethod(method), "/first");
        if (method != "HEAD")
        {
            request.Content = new StringContent("payload");
        }

        using var response = await sut.Client.SendAsync(request);

        var hop = sut.Inner.Sent[1];
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(hop.Method.Method, Is.EqualTo(expectedMethod));
            Assert.That(hop.Body, contentKept ? Is.EqualTo("payload") : Is.Null);
            Assert.That(hop.Authorization, Is.EqualTo("Bearer " + sut.Session.AccessToken));
        });
    }

    [Test]
    public async Task SendAsync_HttpsToHttpRedirect_NotFollowed()
    {
        var sut = await CreateSutAsync((_, _) => Redirect(302, "http://api.example.test/plain"));

        using var response = await sut.Client.GetAsync("/secure");

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Found));
            Assert.That(sut.Inner.Sent, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task SendAsync_RelativeLocationWithoutFragment_ResolvedAndInheritsFragment()
    {
        var sut = await CreateSutAsync((request, call) => call == 1 ? Redirect(302, "next") : RequireBearer(request));

        using var response = await sut.Client.GetAsync("/docs/page#top");

        Assert.That(sut.Inner.Sent[1].Uri.ToString(), Is.EqualTo(Api + "/docs/next#top"));
    }

    [Test]
    public async Task SendAsync_LocationWithOwnFragment_KeepsIt()
    {
        var sut = await CreateSutAsync((request, call) => call == 1 ? Redirect(302, "/other#here") : RequireBearer(request));

        using var response = await sut.Client.GetAsync("/docs/page#top");

        Assert.That(sut.Inner.Sent[1].Uri.Fragment, Is.EqualTo("#here"));
    }

    [Test]
    public async Task SendAsync_EndlessRedirects_StopsAfterDefault50Hops()
    {
        var sut = await CreateSutAsync((_, call) => Redirect(302, "/loop/" + call));

        using var response = await sut.Client.GetAsync("/loop/0");

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Found));
            Assert.That(sut.Inner.Sent, Has.Count.EqualTo(51), "the request and 50 redirects, as HttpClientHandler");
        });
    }

    [Test]
    public async Task SendAsync_MaxRedirects_LastRedirectReturned()
    {
        var sut = await CreateSutAsync((_, call) => Redirect(307, "/loop/" + call), o => o.MaxRedirects = 3);

        using var response = await sut.Client.GetAsync("/loop/0");

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TemporaryRedirect));
            Assert.That(sut.Inner.Sent, Has.Count.EqualTo(4));
        });
    }

    [Test]
    public async Task SendAsync_FollowRedirectsOff_RedirectReturnedAsIs()
    {
        var sut = await CreateSutAsync((_, _) => Redirect(302, "/elsewhere"), o => o.FollowRedirects = false);

        using var response = await sut.Client.GetAsync("/here");

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Found));
            Assert.That(sut.Inner.Sent, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task SendAsync_InnerHandlerFollowedRedirect_401ReturnedWithoutRefresh()
    {
        // What .NET's redirect handler does below SessionHandler: rewrite the URI, drop Authorization, send again.
        var terminal = new ScriptedHandler((_, call) => call == 1 ? Redirect(302, "https://evil.example.test/collect") : Unauthorized("Bearer"));
        var sut = await CreateSutAsync(terminal: new AutoRedirectingHandler { InnerHandler = terminal });

        using var response = await sut.Client.GetAsync("/leak");

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(terminal.Sent, Has.Count.EqualTo(2), "no retry");
            Assert.That(terminal.Sent[1].Authorization, Is.Null);
            Assert.That(sut.Refresher.Calls, Is.Zero);
        });
    }

    [Test]
    public async Task SendAsync_CallerSetAuthorization_LeftAloneAndNoRefreshOn401()
    {
        var sut = await CreateSutAsync((_, _) => Unauthorized("Bearer error=\"invalid_token\""));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "caller-own-token");

        using var response = await sut.Client.SendAsync(request);

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(sut.Inner.Sent.Select(s => s.Authorization), Is.EqualTo(new[] { "Bearer caller-own-token" }));
            Assert.That(sut.Refresher.Calls, Is.Zero, "not our token, not our 401");
        });
    }

    [Test]
    public async Task SendAsync_DefaultRequestHeadersAuthorization_LeftAlone()
    {
        var sut = await CreateSutAsync((_, _) => new HttpResponseMessage(HttpStatusCode.OK));
        sut.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", "YWRhOnB3");

        using var response = await sut.Client.GetAsync("/me");

        Assert.That(sut.Inner.Sent[0].Authorization, Is.EqualTo("Basic YWRhOnB3"));
    }

    [Test]
    public async Task SendAsync_CallerAuthorizationRedirected_KeptOnOriginalOriginOnly()
    {
        var sut = await CreateSutAsync(
            (_, call) => call switch
            {
                1 => Redirect(302, "/b"),
                2 => Redirect(302, "https://files.example.test/c"),
                _ => new HttpResponseMessage(HttpStatusCode.OK),
            },
            o => o.AllowedOrigins.Add(new Uri("https://files.example.test")));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/a");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "caller-own-token");

        using var response = await sut.Client.SendAsync(request);

        Assert.That(sut.Inner.Sent.Select(s => s.Authorization), Is.EqualTo(new[] { "Bearer caller-own-token", "Bearer caller-own-token", null }));
    }

    [Test]
    public async Task SendAsync_SameRequestSentAgainAfterRotation_GetsCurrentToken()
    {
        // An outer retry handler sends the same request instance again: the header SessionKit set is its own, not the caller's.
        var sut = await CreateSutAsync((request, _) => RequireBearer(request));
        using var invoker = new HttpMessageInvoker(sut.Handler, disposeHandler: false);
        using var request = new HttpRequestMessage(HttpMethod.Get, Api + "/me");
        (await invoker.SendAsync(request, CancellationToken.None)).Dispose();
        var rotated = new Session { AccessToken = TestJwt.Create(), RefreshToken = "rotated00001", ExpiresAt = Now.AddHours(2), IssuedAt = Now, Version = 1 };
        await sut.Store.SetAsync("default", rotated, CancellationToken.None);

        (await invoker.SendAsync(request, CancellationToken.None)).Dispose();

        Assert.That(sut.Inner.Sent.Select(s => s.Authorization), Is.EqualTo(new[] { "Bearer " + sut.Session.AccessToken, "Bearer " + rotated.AccessToken }));
    }

    internal static HttpResponseMessage Redirect(int status, string location) =>
        new((HttpStatusCode)status) { Headers = { Location = new Uri(location, UriKind.RelativeOrAbsolute) } };

    internal static HttpResponseMessage Unauthorized(string? challenge)
    {
        var response = new HttpResponseMessage(HttpStatusCode.Unauthorized);
        if (challenge is not null)
        {
            response.Headers.TryAddWithoutValidation("WWW-Authenticate", challenge);
        }

        return response;
    }

    private static HttpResponseMessage RequireBearer(HttpRequestMessage request) =>
        request.Headers.Authorization?.Scheme == "Bearer" ? new HttpResponseMessage(HttpStatusCode.OK) : Unauthorized("Bearer");

    private static async Task<Sut> CreateSutAsync(
        Func<HttpRequestMessage, int, HttpResponseMessage>? answer = null, Action<SessionHandlerOptions>? configure = null, HttpMessageHandler? terminal = null)
    {
        var time = new FakeTimeProvider(Now);
        var store = new InMemoryTokenStore();
        var refresher = new FakeRefresher();
        var coordinator = new RefreshCoordinator(store, refresher, new RefreshOptions { RetryBaseDelay = TimeSpan.Zero }, time);
        var options = new SessionHandlerOptions();
        options.AllowedOrigins.Add(new Uri(Api));
        configure?.Invoke(options);
        var inner = new ScriptedHandler(answer ?? ((_, _) => new HttpResponseMessage(HttpStatusCode.OK)));
        var handler = new SessionHandler(coordinator, options, time) { InnerHandler = terminal ?? inner };
        var session = new Session { AccessToken = TestJwt.Create(), RefreshToken = "current00001", ExpiresAt = Now.AddHours(1), IssuedAt = Now };
        await store.SetAsync("default", session, CancellationToken.None);
        return new Sut(new HttpClient(handler) { BaseAddress = new Uri(Api) }, handler, inner, store, refresher, session);
    }

    private sealed record Sut(HttpClient Client, SessionHandler Handler, ScriptedHandler Inner, ITokenStore Store, FakeRefresher Refresher, Session Session);

    /// <summary>Follows redirects the way .NET's redirect handler does: the same request, a new URI, no Authorization.</summary>
    private sealed class AutoRedirectingHandler : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            while (response.Headers.Location is { } location && (int)response.StatusCode is >= 300 and < 400)
            {
                response.Dispose();
                request.RequestUri = location.IsAbsoluteUri ? location : new Uri(request.RequestUri!, location);
                request.Headers.Authorization = null;
                response = await base.SendAsync(request, cancellationToken);
            }

            return response;
        }
    }
}
