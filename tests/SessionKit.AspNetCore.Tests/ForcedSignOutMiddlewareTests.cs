// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SessionKit.AspNetCore.Tests.Support;

namespace SessionKit.AspNetCore.Tests;

/// <summary>
/// <c>UseSessionKitForcedSignOut</c> and <see cref="SignedInUserSessions.SignOutAsync"/> under attack and outage: a store that is
/// down, and sessions that are not the user's, over real HTTP.
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class ForcedSignOutMiddlewareTests
{
    private const string Email = "grace@example.test";
    private const string Password = "pw-grace";
    private MiddlewareHost _host = null!;
    private CookieContainer _cookies = null!;
    private HttpClient _browser = null!;
    private string _userId = null!;

    [SetUp]
    public async Task SetUp()
    {
        _host = await MiddlewareHost.StartAsync(pathBase: TestContext.CurrentContext.Test.Properties.ContainsKey("PathBase") ? new PathString((string)TestContext.CurrentContext.Test.Properties.Get("PathBase")!) : default);
        _userId = _host.Auth.AddUser(Email, Password);
        _cookies = new CookieContainer();
        _browser = new HttpClient(new SocketsHttpHandler { CookieContainer = _cookies, AllowAutoRedirect = false }) { BaseAddress = _host.Url };
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = Email, ["password"] = Password });
        using var signIn = await _browser.PostAsync("signin", form);
        Assert.That(signIn.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(AuthCookie, Is.Not.Null);
    }

    [TearDown]
    public async Task TearDown()
    {
        _browser.Dispose();
        await _host.DisposeAsync();
    }

    private Cookie? AuthCookie => _cookies.GetCookies(_host.Url).FirstOrDefault(c => c.Name == MiddlewareHost.CookieName);

    [Test]
    public async Task InvokeAsync_StoreUnavailable_503WithoutSignOutAndWithoutDetails()
    {
        _host.Store.Down = true;

        using var api = await GetAsync("api/me", "application/json");
        var apiBody = await api.Content.ReadAsStringAsync();
        using var page = await GetAsync("api/me", "text/html");
        var pageBody = await page.Content.ReadAsStringAsync();
        var cookieAfterOutage = AuthCookie;
        _host.Store.Down = false;
        using var after = await GetAsync("api/me", "application/json");

        Assert.Multiple(async () =>
        {
            Assert.That(api.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(apiBody, Does.Contain("\"error\":\"temporarily_unavailable\""));
            Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), "a page is not sent to the sign-in page either");
            Assert.That(apiBody + pageBody, Does.Not.Contain(_userId).And.Not.Contain("TokenStoreException").And.Not.Contain("test store"), "no details leak");
            Assert.That(api.Headers.Contains("Set-Cookie") || page.Headers.Contains("Set-Cookie"), Is.False, "nobody is signed out");
            Assert.That(api.Headers.Contains(SessionEndCodes.HeaderName), Is.False, "the session did not end");
            Assert.That(cookieAfterOutage, Is.Not.Null);
            Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await after.Content.ReadAsStringAsync(), Does.Contain(_userId), "the session survived the outage");
        });
    }

    [Test]
    public async Task InvokeAsync_EndpointMeetsAnotherSessionsEndOrAbsence_UserStaysSignedIn()
    {
        // The app's own named session (a service account) ended: that is the app's problem, not this user's.
        var client = _host.App.Services.GetRequiredService<SessionClient>().ForKey(MiddlewareHost.ServiceKey);
        _host.Auth.AddUser("service@example.test", "pw-service");
        await client.SignInWithPasswordAsync("service@example.test", "pw-service");
        await client.SignOutAsync();

        using var ended = await GetAsync("api/service", "application/json");
        var cookieAfterEnded = AuthCookie;
        await _host.Store.RemoveAsync(MiddlewareHost.ServiceKey, CancellationToken.None);
        using var missing = await GetAsync("api/service", "application/json");
        var cookieAfterMissing = AuthCookie;
        using var me = await GetAsync("api/me", "application/json");

        Assert.Multiple(async () =>
        {
            Assert.That(ended.StatusCode, Is.Not.EqualTo(HttpStatusCode.Unauthorized), "not reported as the user's sign-out");
            Assert.That(ended.Headers.Contains(SessionEndCodes.HeaderName), Is.False);
            Assert.That(cookieAfterEnded, Is.Not.Null, "the user's cookie was not signed out for another session's end");
            Assert.That(missing.StatusCode, Is.Not.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(cookieAfterMissing, Is.Not.Null, "nor for another key having no session");
            Assert.That(_cookies.GetCookies(_host.Url).Any(c => c.Name == "SessionKit.SignOutReason"), Is.False, "no reason cookie either");
            Assert.That(me.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await me.Content.ReadAsStringAsync(), Does.Contain(_userId));
        });
    }

    [Test]
    public async Task SignOutAsync_StoreRefusesWrites_CookieSignedOutAnyway()
    {
        var key = _host.Sessions.GetSessionKey(Principal())!;
        _host.Store.WritesDown = true;

        using var form = new FormUrlEncodedContent([]);
        using var signOut = await _browser.PostAsync("signout", form);
        var cookieAfterSignOut = AuthCookie;
        _host.Store.WritesDown = false;
        using var me = await GetAsync("api/me", "application/json");

        Assert.Multiple(() =>
        {
            Assert.That(signOut.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "the sign-out completes");
            Assert.That(cookieAfterSignOut, Is.Null, "a user who asked to sign out is signed out of this browser, store or not");
            Assert.That(me.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(key, Does.StartWith("user:" + _userId + ":"));
        });
    }

    [Test]
    [Property("PathBase", "/café app")]
    public async Task InvokeAsync_PathBaseWithSpaceAndNonAscii_EscapedSignInUrlNever500()
    {
        await _host.Store.RemoveAsync(_host.Sessions.GetSessionKey(Principal())!, CancellationToken.None);

        using var api = await GetAsync("api/me", "application/json");
        var body = await api.Content.ReadAsStringAsync();
        using var again = await GetAsync("api/me", "text/html");

        Assert.Multiple(() =>
        {
            Assert.That(api.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(body, Does.Contain("\"signInUrl\":\"/caf%C3%A9%20app/signin?reason=session_missing\""));
            Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "the same browser's next page, with the reason cookie");
            Assert.That(again.Headers.Location?.OriginalString, Is.EqualTo("/caf%C3%A9%20app/signin?reason=session_missing"));
        });
    }

    private ClaimsPrincipal Principal()
    {
        var format = _host.App.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(CookieAuthenticationDefaults.AuthenticationScheme).TicketDataFormat;
        return format.Unprotect(AuthCookie!.Value)!.Principal;
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        return await _browser.SendAsync(request);
    }
}
