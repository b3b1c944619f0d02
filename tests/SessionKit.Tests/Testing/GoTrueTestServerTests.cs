// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SessionKit.Testing;

namespace SessionKit.Tests.Testing;

/// <summary>The reference scenarios of the GoTrue refresh spec (section 8), run against the test server over real HTTP.</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class GoTrueTestServerTests
{
    private const string Email = "ada@example.test";
    private FakeTimeProvider _time = null!;
    private GoTrueTestServer _sut = null!;
    private HttpClient _http = null!;

    [SetUp]
    public async Task SetUp()
    {
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        _sut = await CreateSut(new GoTrueTestServerOptions { TimeProvider = _time, InactivityTimeout = null });
        _http = new HttpClient { BaseAddress = _sut.BaseAddress };
    }

    [TearDown]
    public async Task TearDown()
    {
        _http.Dispose();
        await _sut.DisposeAsync();
    }

    [Test]
    public async Task Scenario1_ParentOfActiveAnHourLater_ReturnsActiveToken()
    {
        var a = _sut.IssueSession(Email).RefreshToken;
        var b = await RefreshOkAsync(a);

        _time.Advance(TimeSpan.FromHours(1));
        var again = await RefreshOkAsync(a);

        Assert.That(again, Is.EqualTo(b));
    }

    [Test]
    public async Task Scenario2_ActiveToken_RotatesAndRevokes()
    {
        var issued = _sut.IssueSession(Email);
        var b = await RefreshOkAsync(issued.RefreshToken);

        var c = await RefreshOkAsync(b);

        Assert.Multiple(() =>
        {
            Assert.That(c, Is.Not.EqualTo(b));
            Assert.That(_sut.ActiveRefreshToken(issued.SessionId), Is.EqualTo(c));
        });
    }

    [Test]
    public async Task Scenario3_GrandparentWithinReuseInterval_GetsNewBranchAndActiveStaysValid()
    {
        var a = _sut.IssueSession(Email).RefreshToken;
        var b = await RefreshOkAsync(a);
        _time.Advance(TimeSpan.FromSeconds(5));
        var c = await RefreshOkAsync(b);
        _time.Advance(TimeSpan.FromSeconds(3));

        var branch = await RefreshOkAsync(a);
        var afterC = await RefreshOkAsync(c);

        Assert.Multiple(() =>
        {
            Assert.That(branch, Is.Not.EqualTo(c).And.Not.EqualTo(b));
            Assert.That(afterC, Is.Not.EqualTo(c));
        });
    }

    [Test]
    public async Task Scenario4_GrandparentOutsideReuseInterval_AlreadyUsedAndFamilyRevoked()
    {
        var issued = _sut.IssueSession(Email);
        var a = issued.RefreshToken;
        var b = await RefreshOkAsync(a);
        _time.Advance(TimeSpan.FromSeconds(27));
        await RefreshOkAsync(b);
        _time.Advance(TimeSpan.FromSeconds(3));

        var (status, body, _) = await PostRefreshAsync(a);

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(body.GetProperty("error_code").GetString(), Is.EqualTo("refresh_token_already_used"));
            Assert.That(body.GetProperty("msg").GetString(), Is.EqualTo("Invalid Refresh Token: Already Used"));
            Assert.That(body.GetProperty("code").GetInt32(), Is.EqualTo(400));
            Assert.That(_sut.ActiveRefreshToken(issued.SessionId), Is.Null, "every unrevoked token of the session is revoked");
            Assert.That(_sut.Counters.RejectionsOf("refresh_token_already_used"), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Scenario5_ActiveTokenAfterFamilyRevocation_AlreadyUsed()
    {
        var a = _sut.IssueSession(Email).RefreshToken;
        var b = await RefreshOkAsync(a);
        _time.Advance(TimeSpan.FromSeconds(27));
        var c = await RefreshOkAsync(b);
        _time.Advance(TimeSpan.FromSeconds(3));
        await PostRefreshAsync(a);
        _time.Advance(TimeSpan.FromSeconds(11));

        var (status, body, _) = await PostRefreshAsync(c);

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(body.GetProperty("error_code").GetString(), Is.EqualTo("refresh_token_already_used"));
        });
    }

    [Test]
    public async Task Scenario6_TwoSimultaneousRequestsWithActiveToken_BothGetSameNewToken()
    {
        var b = _sut.IssueSession(Email).RefreshToken;

        var results = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => RefreshOkAsync(b)));

        Assert.That(results[0], Is.EqualTo(results[1]).And.Not.EqualTo(b));
    }

    [Test]
    public async Task Scenario7_SessionDeleted_RefreshTokenNotFound()
    {
        var issued = _sut.IssueSession(Email);
        _sut.DeleteSession(issued.SessionId);

        var (status, body, _) = await PostRefreshAsync(issued.RefreshToken);

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(body.GetProperty("error_code").GetString(), Is.EqualTo("refresh_token_not_found"));
        });
    }

    [Test]
    public async Task Scenario8_InactivityTimeoutExceeded_SessionExpired()
    {
        await using var server = await CreateSut(new GoTrueTestServerOptions { TimeProvider = _time, InactivityTimeout = TimeSpan.FromHours(1) });
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var token = server.IssueSession(Email).RefreshToken;
        _time.Advance(TimeSpan.FromHours(2));

        var (status, body, _) = await PostRefreshAsync(token, http: http);

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(body.GetProperty("error_code").GetString(), Is.EqualTo("session_expired"));
            Assert.That(body.GetProperty("msg").GetString(), Is.EqualTo("Invalid Refresh Token: Session Expired (Inactivity)"));
        });
    }

    [Test]
    public async Task Scenario9_MalformedToken_ValidationFailed()
    {
        var (status, body, _) = await PostRefreshAsync("abc");

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(body.GetProperty("error_code").GetString(), Is.EqualTo("validation_failed"));
            Assert.That(body.GetProperty("msg").GetString(), Is.EqualTo("Refresh token is not valid"));
        });
    }

    [Test]
    public async Task Scenario11_ReuseWithApiVersionHeader_VersionedErrorShapeAndEchoedHeader()
    {
        var a = _sut.IssueSession(Email).RefreshToken;
        var b = await RefreshOkAsync(a);
        _time.Advance(TimeSpan.FromSeconds(27));
        await RefreshOkAsync(b);
        _time.Advance(TimeSpan.FromSeconds(3));

        var (status, body, headers) = await PostRefreshAsync(a, versioned: true);

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(body.GetRawText(), Is.EqualTo("{\"code\":\"refresh_token_already_used\",\"message\":\"Invalid Refresh Token: Already Used\"}"));
            Assert.That(headers.GetValues("X-Supabase-Api-Version").Single(), Is.EqualTo("2024-01-01"));
        });
    }

    [Test]
    public async Task Token_UnknownGrantType_UnsupportedGrantTypeBeforeAnythingElse()
    {
        using var response = await _http.PostAsync("auth/v1/token?grant_type=magic", new StringContent("not json"));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(body.GetProperty("error_code").GetString(), Is.EqualTo("invalid_credentials"));
            Assert.That(body.GetProperty("msg").GetString(), Is.EqualTo("unsupported_grant_type"));
        });
    }

    [Test]
    public async Task Token_GarbageBody_BadJson()
    {
        using var response = await _http.PostAsync("auth/v1/token?grant_type=refresh_token", new StringContent("{nope"));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.That(body.GetProperty("error_code").GetString(), Is.EqualTo("bad_json"));
    }

    [Test]
    public async Task Token_PasswordGrant_IssuesSessionWithJwtAndUser()
    {
        using var response = await _http.PostAsync(
            "auth/v1/token?grant_type=password",
            new StringContent("{\"email\":\"ada@example.test\",\"password\":\"pw-1\"}", Encoding.UTF8, "application/json"));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(body.GetProperty("token_type").GetString(), Is.EqualTo("bearer"));
            Assert.That(body.GetProperty("expires_in").GetInt64(), Is.EqualTo(3600));
            Assert.That(body.GetProperty("expires_at").GetInt64(), Is.EqualTo(_time.GetUtcNow().ToUnixTimeSeconds() + 3600));
            Assert.That(body.GetProperty("refresh_token").GetString(), Does.Match("^[a-z0-9]{12}$"));
            Assert.That(body.GetProperty("access_token").GetString()!.Split('.'), Has.Length.EqualTo(3));
            Assert.That(body.GetProperty("user").GetProperty("email").GetString(), Is.EqualTo(Email));
        });
    }

    [Test]
    public async Task Api_ValidThenExpiredToken_200Then401()
    {
        var issued = _sut.IssueSession(Email);
        using var ok = new HttpRequestMessage(HttpMethod.Get, "api/me");
        ok.Headers.Authorization = new("Bearer", issued.AccessToken);
        using var okResponse = await _http.SendAsync(ok);
        _time.Advance(TimeSpan.FromHours(1));
        using var expired = new HttpRequestMessage(HttpMethod.Get, "api/me");
        expired.Headers.Authorization = new("Bearer", issued.AccessToken);
        using var expiredResponse = await _http.SendAsync(expired);

        Assert.Multiple(() =>
        {
            Assert.That(okResponse.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(expiredResponse.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(_sut.Counters.ApiUnauthorized, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Logout_LocalScope_DeletesSessionSoTokensAreNotFound()
    {
        var issued = _sut.IssueSession(Email);
        using var logout = new HttpRequestMessage(HttpMethod.Post, "auth/v1/logout?scope=local");
        logout.Headers.Authorization = new("Bearer", issued.AccessToken);
        using var response = await _http.SendAsync(logout);
        var (_, body, _) = await PostRefreshAsync(issued.RefreshToken);

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(_sut.SessionExists(issued.SessionId), Is.False);
            Assert.That(body.GetProperty("error_code").GetString(), Is.EqualTo("refresh_token_not_found"));
        });
    }

    [Test]
    public async Task Token_OAuthErrorShape_RejectionAsInvalidGrant()
    {
        await using var server = await CreateSut(new GoTrueTestServerOptions { TimeProvider = _time, ErrorShape = GoTrueErrorShape.OAuth });
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        var (status, body, _) = await PostRefreshAsync("zzzzzzzzzzzz", http: http);

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(body.GetProperty("error").GetString(), Is.EqualTo("invalid_grant"));
            Assert.That(body.GetProperty("error_description").GetString(), Is.EqualTo("Invalid Refresh Token: Refresh Token Not Found"));
        });
    }

    [Test]
    public async Task MapEndpoints_OnAnAppsOwnKestrel_SignsInRefreshesAndServesTheApiOnThatOrigin()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.MapGet("/app", () => "the app");
        var sut = GoTrueTestServer.Create(new GoTrueTestServerOptions { AccessTokenLifetime = TimeSpan.FromMinutes(5) });
        sut.AddUser(Email, "pw-1");
        sut.MapEndpoints(app);
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First().TrimEnd('/') + "/") };

        using var signIn = await http.PostAsync(
            "auth/v1/token?grant_type=password",
            new StringContent(JsonSerializer.Serialize(new { email = Email, password = "pw-1" }), Encoding.UTF8, "application/json"));
        var session = JsonDocument.Parse(await signIn.Content.ReadAsStringAsync()).RootElement.Clone();
        var (refreshStatus, refreshed, _) = await PostRefreshAsync(session.GetProperty("refresh_token").GetString()!, http: http);
        using var api = new HttpRequestMessage(HttpMethod.Get, "api/me");
        api.Headers.Authorization = new("Bearer", refreshed.GetProperty("access_token").GetString());
        using var apiResponse = await http.SendAsync(api);
        var appPage = await http.GetStringAsync("app");
        await app.StopAsync();

        Assert.Multiple(() =>
        {
            Assert.That(signIn.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(refreshStatus, Is.EqualTo(HttpStatusCode.OK), refreshed.GetRawText());
            Assert.That(refreshed.GetProperty("refresh_token").GetString(), Is.Not.EqualTo(session.GetProperty("refresh_token").GetString()));
            Assert.That(apiResponse.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(appPage, Is.EqualTo("the app"));
            Assert.That(sut.BaseAddress, Is.EqualTo(http.BaseAddress));
            Assert.That(sut.Counters.PasswordGrants, Is.EqualTo(1));
            Assert.That(sut.Counters.RefreshSuccesses, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Counters_DelayedRefresh_CountsOneInFlightUntilDecided()
    {
        var token = _sut.IssueSession(Email).RefreshToken;
        _sut.EnqueueRefreshFault(TokenEndpointFault.Delayed(TimeSpan.FromSeconds(2)));

        var refresh = PostRefreshAsync(token);
        while (_sut.Counters.RefreshesInFlight == 0 && !refresh.IsCompleted)
        {
            await Task.Delay(5); // polls the counter the delay fault holds up for 2 s (500 ms could pass in one stall of a loaded machine)
        }

        var during = _sut.Counters.RefreshesInFlight;
        var (status, _, _) = await refresh;

        Assert.Multiple(() =>
        {
            Assert.That(during, Is.EqualTo(1));
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(_sut.Counters.RefreshesInFlight, Is.Zero);
        });
    }

    [Test]
    public async Task RefreshFault_DelayedAnswer_RotatesAtOnceAndTheParentWorksForAClientThatLeft(CancellationToken cancellationToken)
    {
        var issued = _sut.IssueSession(Email);
        _sut.EnqueueRefreshFault(TokenEndpointFault.DelayedAnswer(TimeSpan.FromSeconds(30)));
        using var gone = new CancellationTokenSource();

        var abandoned = PostRefreshAsync(issued.RefreshToken, cancellationToken: gone.Token);
        var waited = Stopwatch.StartNew();
        while (_sut.Counters.RefreshSuccesses == 0 && waited.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(5, cancellationToken); // the server rotates at once and holds the answer
        }

        Assert.That(_sut.Counters.RefreshSuccesses, Is.EqualTo(1), "rotated before answering");
        await gone.CancelAsync();
        Assert.That(async () => await abandoned, Throws.InstanceOf<OperationCanceledException>());
        var rotatedForNobody = _sut.ActiveRefreshToken(issued.SessionId);
        var parent = await RefreshOkAsync(issued.RefreshToken);

        Assert.Multiple(() =>
        {
            Assert.That(rotatedForNobody, Is.Not.EqualTo(issued.RefreshToken));
            Assert.That(parent, Is.EqualTo(rotatedForNobody), "the parent of the active token gets the active token");
        });
    }

    private static async Task<GoTrueTestServer> CreateSut(GoTrueTestServerOptions options)
    {
        var server = await GoTrueTestServer.StartAsync(options);
        server.AddUser(Email, "pw-1");
        return server;
    }

    private async Task<string> RefreshOkAsync(string token)
    {
        var (status, body, _) = await PostRefreshAsync(token);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body.GetRawText());
        return body.GetProperty("refresh_token").GetString()!;
    }

    private async Task<(HttpStatusCode Status, JsonElement Body, System.Net.Http.Headers.HttpResponseHeaders Headers)> PostRefreshAsync(
        string token, bool versioned = false, HttpClient? http = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "auth/v1/token?grant_type=refresh_token")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { refresh_token = token }), Encoding.UTF8, "application/json"),
        };
        if (versioned)
        {
            request.Headers.Add("X-Supabase-Api-Version", "2024-01-01");
        }

        var response = await (http ?? _http).SendAsync(request, cancellationToken);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement.Clone();
        return (response.StatusCode, body, response.Headers);
    }
}
