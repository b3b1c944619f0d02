// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using SessionKit.AspNetCore.Tests.Support;
using SessionKit.Samples.Web;

namespace SessionKit.AspNetCore.Tests;

/// <summary>Ended sessions and bad input over real HTTP: the right user is signed out with the reason, others are untouched, nothing answers 500.</summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class ForcedSignOutTests
{
    private WebDemo _demo = null!;
    private WebUser _ada = null!;
    private WebUser _linus = null!;

    [SetUp]
    public async Task SetUp()
    {
        _demo = await DemoHost.StartAsync(TimeSpan.FromSeconds(2));
        _ada = new WebUser(_demo.WebUrl, "ada2@example.test", "pw-ada", _demo.AuthServer.AddUser("ada2@example.test", "pw-ada"));
        _linus = new WebUser(_demo.WebUrl, "linus2@example.test", "pw-linus", _demo.AuthServer.AddUser("linus2@example.test", "pw-linus"));
        Assert.That((await _ada.SignInAsync()).StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That((await _linus.SignInAsync()).StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
    }

    [TearDown]
    public async Task TearDown()
    {
        _ada.Dispose();
        _linus.Dispose();
        await _demo.DisposeAsync();
    }

    [Test]
    public async Task Dashboard_RefreshTokenReusedAtServer_ApiCallGets401WithReasonAndPageRedirectsWithReason()
    {
        var key = _demo.KeyOf(_ada);
        var cookie = _ada.AuthCookie!.Value;
        await _demo.StealAndRotateTwiceAsync(key);

        // The app's next refresh (within one token lifetime) meets the reuse; until then the access token is still valid.
        HttpStatusCode status;
        System.Text.Json.JsonElement body;
        HttpResponseMessage response;
        var deadline = TimeProvider.System.GetTimestamp();
        do
        {
            (status, body, response) = await _ada.DashboardAsync();
        }
        while (status == HttpStatusCode.OK && TimeProvider.System.GetElapsedTime(deadline) < TimeSpan.FromSeconds(10));

        using var copy = CopyOf(cookie);
        using var page = await copy.PageAsync(string.Empty);
        var (other, otherBody, _) = await _linus.DashboardAsync();

        // The same browser's next call arrives without the auth cookie, and still learns the reason.
        var (again, againBody, againResponse) = await _ada.DashboardAsync();
        using var againPage = await _ada.PageAsync(string.Empty);
        againResponse.Dispose();
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(body.GetProperty("reason").GetString(), Is.EqualTo(SessionEndCodes.RefreshTokenAlreadyUsed));
            Assert.That(body.GetProperty("signInUrl").GetString(), Is.EqualTo("/signin?reason=refresh_token_already_used"));
            Assert.That(response.Headers.GetValues(SessionEndCodes.HeaderName), Is.EqualTo(new[] { SessionEndCodes.RefreshTokenAlreadyUsed }));
            Assert.That(_ada.AuthCookie, Is.Null, "the auth cookie was signed out");
            Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "another tab's next page");
            Assert.That(page.Headers.Location?.OriginalString, Is.EqualTo("/signin?reason=refresh_token_already_used"));
            Assert.That(other, Is.EqualTo(HttpStatusCode.OK), "other users are untouched");
            Assert.That(otherBody.GetProperty("apiUser").GetString(), Is.EqualTo(_linus.UserId));
            Assert.That(again, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(againBody.GetProperty("reason").GetString(), Is.EqualTo(SessionEndCodes.RefreshTokenAlreadyUsed));
            Assert.That(againPage.Headers.Location?.OriginalString, Is.EqualTo("/signin?reason=refresh_token_already_used"));
        });
        response.Dispose();
    }

    [Test]
    public async Task SignInPage_WithReason_ShowsMessageAndNeverEchoesUnknownCodes()
    {
        using var anonymous = new WebUser(_demo.WebUrl, "x@example.test", "x", "x");

        using var known = await anonymous.PageAsync("signin?reason=refresh_token_already_used");
        using var unknown = await anonymous.PageAsync("signin?reason=%3Cscript%3Ealert(1)%3C%2Fscript%3E");

        Assert.Multiple(async () =>
        {
            Assert.That(await known.Content.ReadAsStringAsync(), Does.Contain("used from somewhere else"));
            Assert.That(await unknown.Content.ReadAsStringAsync(), Does.Not.Contain("<script>alert").And.Not.Contain("id=\"reason\""));
        });
    }

    [Test]
    public async Task SignOut_OneTab_OtherTabsOfThatSessionFollowWithSignedOutOthersUntouched()
    {
        using var otherTab = CopyOf(_ada.AuthCookie!.Value);

        await _ada.SignOutAsync();
        var (status, body, response) = await otherTab.DashboardAsync();
        var (other, _, _) = await _linus.DashboardAsync();

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(body.GetProperty("reason").GetString(), Is.EqualTo(SessionEndCodes.SignedOut));
            Assert.That(other, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(_demo.AuthServer.Counters.Logouts, Is.EqualTo(1), "the server session was ended too");
        });
        response.Dispose();
    }

    [Test]
    public async Task Dashboard_TamperedCookie_401NotSignedInNever500()
    {
        var value = _ada.AuthCookie!.Value;
        var tampered = value[..^6] + (value[^6] == 'A' ? 'B' : 'A') + value[^5..];
        using var tab = CopyOf(tampered);

        var (status, body, response) = await tab.DashboardAsync();
        using var page = await tab.PageAsync(string.Empty);

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(body.GetProperty("reason").GetString(), Is.EqualTo(SessionEndCodes.NotSignedIn));
            Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
            Assert.That(page.Headers.Location?.AbsolutePath, Is.EqualTo("/signin"));
        });
        response.Dispose();
    }

    [Test]
    public async Task Dashboard_CookieOfSessionGoneFromStore_401SessionMissing()
    {
        await _demo.Store().RemoveAsync(_demo.KeyOf(_ada), CancellationToken.None);

        var (status, body, response) = await _ada.DashboardAsync();
        var (other, _, _) = await _linus.DashboardAsync();

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(body.GetProperty("reason").GetString(), Is.EqualTo(SessionEndCodes.SessionMissing));
            Assert.That(other, Is.EqualTo(HttpStatusCode.OK));
        });
        response.Dispose();
    }

    [Test]
    public async Task Dashboard_ValidCookieWithoutSubClaim_401InvalidUserNeverAnotherUsersToken()
    {
        // A cookie the app itself signed, for a principal without a subject: the key cannot be derived.
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "nobody"), new Claim("sid", "whatever")], "SessionKit");
        var ticket = new AuthenticationTicket(new ClaimsPrincipal(identity), new AuthenticationProperties(), CookieAuthenticationDefaults.AuthenticationScheme);
        var cookie = _demo.CookieFormat().Protect(ticket);
        using var forged = CopyOf(cookie);
        using var forgedTab = CopyOf(cookie);

        var (status, body, response) = await forged.DashboardAsync();
        using var page = await forgedTab.PageAsync(string.Empty);

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(body.GetProperty("reason").GetString(), Is.EqualTo(SessionEndCodes.InvalidUser));
            Assert.That(body.TryGetProperty("apiUser", out _), Is.False);
            Assert.That(page.Headers.Location?.OriginalString, Is.EqualTo("/signin?reason=invalid_user"));
        });
        response.Dispose();
    }

    [Test]
    public async Task SignIn_WrongPassword_StaysOnSignInWithoutCookie()
    {
        using var user = new WebUser(_demo.WebUrl, "ada2@example.test", "wrong", _ada.UserId);

        using var response = await user.SignInAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("Wrong email or password"));
            Assert.That(user.AuthCookie, Is.Null);
        });
    }

    private WebUser CopyOf(string cookieValue)
    {
        var tab = new WebUser(_demo.WebUrl, _ada.Email, _ada.Password, _ada.UserId);
        tab.Cookies.Add(_demo.WebUrl, new System.Net.Cookie(WebApp.CookieName, cookieValue));
        return tab;
    }
}
