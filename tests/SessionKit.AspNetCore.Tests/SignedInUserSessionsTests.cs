// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SessionKit.AspNetCore.Tests.Support;
using SessionKit.Testing;

namespace SessionKit.AspNetCore.Tests;

/// <summary>Session keys from users, the key selector of <c>UseSignedInUserSession</c>, seeding from saved tokens, and hashed keys in logs.</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class SignedInUserSessionsTests
{
    private const string Email = "margaret@example.test";
    private GoTrueTestServer _auth = null!;
    private CapturingLoggerProvider _logs = null!;

    [SetUp]
    public async Task SetUp()
    {
        _auth = await GoTrueTestServer.StartAsync();
        _auth.AddUser(Email, "pw");
        _logs = new CapturingLoggerProvider();
    }

    [TearDown]
    public async Task TearDown()
    {
        _logs.Dispose();
        await _auth.DisposeAsync();
    }

    [Test]
    public void FromReason_EveryEndReason_HasItsOwnCodeAndAMessage()
    {
        // A reason added to the core without a code here would reach users as "You were signed out." (the fallback).
        var reasons = Enum.GetValues<SessionEndReason>();
        var codes = reasons.Select(SessionEndCodes.FromReason).ToArray();
        var options = new SignedInUserSessionOptions();

        Assert.Multiple(() =>
        {
            Assert.That(codes, Is.Unique, string.Join(", ", reasons.Zip(codes)));
            Assert.That(codes.Select(options.GetMessage), Has.None.Null);
            Assert.That(SessionEndCodes.FromReason(SessionEndReason.InteractionRequired), Is.EqualTo("interaction_required"));
        });
    }

    [Test]
    public void GetSessionKey_SubjectAndSessionId_PrefixSubjectAndSessionId()
    {
        using var services = CreateServices();
        var sut = services.GetRequiredService<SignedInUserSessions>();

        Assert.Multiple(() =>
        {
            Assert.That(sut.GetSessionKey(User(("sub", "u1"), ("sid", "s1"))), Is.EqualTo("user:u1:s1"));
            Assert.That(sut.GetSessionKey(User(("sub", "u1"))), Is.EqualTo("user:u1"));
            Assert.That(sut.GetSessionKey(User((ClaimTypes.NameIdentifier, "u2"), (ClaimTypes.Sid, "s2"))), Is.EqualTo("user:u2:s2"), "mapped inbound claims");
            Assert.That(sut.GetSessionKey(User(("name", "no subject"))), Is.Null);
            Assert.That(sut.GetSessionKey(new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "u3")]))), Is.Null, "not authenticated");
        });
    }

    [Test]
    public void GetSessionKey_ClaimValuesContainingTheSeparator_DistinctUsersNeverShareAKey()
    {
        using var services = CreateServices();
        var sut = services.GetRequiredService<SignedInUserSessions>();
        (string Sub, string? Sid)[] users =
        [
            ("a:b", "c"), ("a", "b:c"), ("a:b:c", null), ("a", "b%3Ac"), ("a%3Ab", "c"),
            ("https://idp.example/id/org/u1", "s1"), ("https", "//idp.example/id/org/u1:s1"),
        ];

        var keys = users.Select(u => sut.GetSessionKey(u.Sid is null ? User(("sub", u.Sub)) : User(("sub", u.Sub), ("sid", u.Sid)))).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(keys, Is.Unique, string.Join(" | ", keys));
            Assert.That(sut.GetSessionKey(User(("sub", "6f1c"), ("sid", "9a2e"))), Is.EqualTo("user:6f1c:9a2e"), "ordinary keys are unchanged");
        });
    }

    [Test]
    public void GetSessionKey_CustomSelector_UsesIt()
    {
        using var services = CreateServices(o => o.KeySelector = u => "tenant-a:" + u.FindFirst("oid")?.Value);
        var sut = services.GetRequiredService<SignedInUserSessions>();

        Assert.That(sut.GetSessionKey(User(("oid", "42"))), Is.EqualTo("tenant-a:42"));
    }

    [Test]
    public async Task SendAsync_OutsideHttpRequest_SessionRequiredSayingWhy()
    {
        using var services = CreateServices();
        var api = services.GetRequiredService<IHttpClientFactory>().CreateClient("api");

        var ex = Assert.ThrowsAsync<SessionRequiredException>(() => api.GetAsync("me"));

        Assert.That(ex!.Message, Does.Contain("outside an HTTP request").And.Contain("SetSessionKey"));
        await Task.CompletedTask;
    }

    [Test]
    public void SendAsync_RequestWithoutAuthenticatedUser_SessionRequiredSayingWhy()
    {
        using var services = CreateServices();
        services.GetRequiredService<IHttpContextAccessor>().HttpContext = new DefaultHttpContext();
        var api = services.GetRequiredService<IHttpClientFactory>().CreateClient("api");

        var ex = Assert.ThrowsAsync<SessionRequiredException>(() => api.GetAsync("me"));

        Assert.That(ex!.Message, Does.Contain("no authenticated user"));
    }

    [Test]
    public void SendAsync_UserWithoutSubject_SessionRequiredNamingTheClaim()
    {
        using var services = CreateServices();
        services.GetRequiredService<IHttpContextAccessor>().HttpContext = new DefaultHttpContext { User = User(("name", "x")) };
        var api = services.GetRequiredService<IHttpClientFactory>().CreateClient("api");

        var ex = Assert.ThrowsAsync<SessionRequiredException>(() => api.GetAsync("me"));

        Assert.That(ex!.Message, Does.Contain("'sub' claim"));
    }

    [Test]
    public async Task SendAsync_TwoUsersInTurn_EachRequestCarriesItsOwnUsersToken()
    {
        _auth.AddUser("other@example.test", "pw2");
        using var services = CreateServices();
        var sessions = services.GetRequiredService<SignedInUserSessions>();
        var client = services.GetRequiredService<SessionClient>();
        var first = await client.ForKey("tmp1").SignInWithPasswordAsync(Email, "pw");
        var second = await client.ForKey("tmp2").SignInWithPasswordAsync("other@example.test", "pw2");
        var alice = User(("sub", first.UserId!), ("sid", "a"));
        var bob = User(("sub", second.UserId!), ("sid", "b"));
        await sessions.StoreSessionAsync(alice, first);
        await sessions.StoreSessionAsync(bob, second);
        var accessor = services.GetRequiredService<IHttpContextAccessor>();
        var api = services.GetRequiredService<IHttpClientFactory>().CreateClient("api");

        accessor.HttpContext = new DefaultHttpContext { User = alice };
        var asAlice = await api.GetStringAsync("me");
        accessor.HttpContext = new DefaultHttpContext { User = bob };
        var asBob = await api.GetStringAsync("me");
        using var named = new HttpRequestMessage(HttpMethod.Get, "me").SetSessionKey(sessions.GetSessionKey(alice)!);
        using var namedResponse = await api.SendAsync(named);
        var asNamed = await namedResponse.Content.ReadAsStringAsync();

        Assert.Multiple(() =>
        {
            Assert.That(asAlice, Does.Contain(first.UserId!));
            Assert.That(asBob, Does.Contain(second.UserId!));
            Assert.That(asNamed, Does.Contain(first.UserId!), "a key named on the request wins over the current user");
        });
    }

    [Test]
    public async Task MoveTokensToStoreAsync_SavedTokens_StoredForUserAndRemovedFromProperties()
    {
        using var services = CreateServices();
        var issued = _auth.IssueSession(Email);
        var user = User(("sub", issued.UserId), ("sid", issued.SessionId));
        var expiresAt = TimeProvider.System.GetUtcNow().AddHours(1);
        var properties = new AuthenticationProperties();
        properties.StoreTokens(
        [
            new AuthenticationToken { Name = "access_token", Value = issued.AccessToken },
            new AuthenticationToken { Name = "refresh_token", Value = issued.RefreshToken },
            new AuthenticationToken { Name = "expires_at", Value = expiresAt.ToString("o") },
        ]);
        var context = new CookieSigningInContext(
            new DefaultHttpContext { RequestServices = services },
            new AuthenticationScheme(CookieAuthenticationDefaults.AuthenticationScheme, null, typeof(CookieAuthenticationHandler)),
            new CookieAuthenticationOptions(),
            user,
            properties,
            new CookieOptions());

        await SessionKitCookieEvents.MoveTokensToStoreAsync(context);

        var stored = await services.GetRequiredService<ITokenStore>().GetAsync($"user:{issued.UserId}:{issued.SessionId}", CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(stored?.AccessToken, Is.EqualTo(issued.AccessToken));
            Assert.That(stored?.RefreshToken, Is.EqualTo(issued.RefreshToken));
            Assert.That(stored?.ExpiresAt, Is.EqualTo(expiresAt).Within(TimeSpan.FromSeconds(1)), "the saved expires_at, not a time read later");
            Assert.That(properties.GetTokens(), Is.Empty);
            Assert.That(properties.Items.Keys, Has.None.StartsWith(".Token"));
        });
    }

    [Test]
    public async Task Logs_DefaultOptions_ShowHashedKeysOnly()
    {
        using var services = CreateServices();
        var (key, _) = await SignInAndRefreshAsync(services);

        var all = string.Join("\n", _logs.Entries);
        Assert.Multiple(() =>
        {
            Assert.That(_logs.Entries, Has.Some.Contain("[204]"), "the refresh was logged");
            Assert.That(all, Does.Not.Contain(key).And.Not.Contain(key.Split(':')[1]), "neither the key nor the user id");
            Assert.That(all, Does.Contain("k-"));
        });
    }

    [Test]
    public async Task Logs_LogSessionKeysSet_ShowRawKeys()
    {
        using var services = CreateServices(sessionKit: o => o.LogSessionKeys = true);
        var (key, _) = await SignInAndRefreshAsync(services);

        Assert.That(string.Join("\n", _logs.Entries), Does.Contain($"Session '{key}' refreshed").And.Contain($"under '{key}'"));
    }

    private static ClaimsPrincipal User(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "test"));

    private async Task<(string Key, Session Session)> SignInAndRefreshAsync(ServiceProvider services)
    {
        var sessions = services.GetRequiredService<SignedInUserSessions>();
        var issued = _auth.IssueSession(Email);
        var user = User(("sub", issued.UserId), ("sid", issued.SessionId));
        var key = await sessions.StoreSessionAsync(user, sessions.CreateSession(issued.AccessToken, issued.RefreshToken, TimeSpan.FromHours(1)));
        var refreshed = await sessions.ForUser(user).RefreshAsync();
        return (key, refreshed);
    }

    private ServiceProvider CreateServices(Action<SignedInUserSessionOptions>? configure = null, Action<SessionKitOptions>? sessionKit = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace));
        services.AddSessionKit(o =>
        {
            o.UseGoTrue(_auth.AuthUrl);
            sessionKit?.Invoke(o);
        });
        services.AddSessionKitAspNetCore(configure);
        services.AddHttpClient("api", c => c.BaseAddress = _auth.ApiUrl).AddSessionHandler().UseSignedInUserSession();
        return services.BuildServiceProvider();
    }
}
