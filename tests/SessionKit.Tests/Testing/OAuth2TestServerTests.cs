// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using SessionKit.Testing;
using SessionKit.Tests.Support;

namespace SessionKit.Tests.Testing;

/// <summary>The <see cref="OAuth2TestServer"/> double speaks RFC 6749/6750/7009 and plays both server families faithfully.</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class OAuth2TestServerTests
{
    private const string User = "ada";
    private const string Password = "correct horse";

    [Test]
    public async Task Refresh_StrictSecondUse_InvalidGrantAndWholeGrantRevoked()
    {
        await using var sut = await StartAsync(new OAuth2TestServerOptions { ReuseMode = OAuth2ReuseMode.Strict });
        var issued = sut.IssueTokens(User, Password);
        using var http = new HttpClient();
        var (_, first) = await RefreshAsync(http, sut, issued.RefreshToken);

        var (status, replay) = await RefreshAsync(http, sut, issued.RefreshToken);

        var (childStatus, child) = await RefreshAsync(http, sut, first.GetProperty("refresh_token").GetString()!);
        using var api = await CallApiAsync(http, sut, first.GetProperty("access_token").GetString()!);
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(400));
            Assert.That(replay.GetProperty("error").GetString(), Is.EqualTo("invalid_grant"));
            Assert.That(replay.GetProperty("error_description").GetString(), Is.EqualTo("The specified refresh token has already been redeemed."));
            Assert.That(childStatus, Is.EqualTo(400), "the rotated token died with its grant");
            Assert.That(child.GetProperty("error_description").GetString(), Is.EqualTo("The specified refresh token is no longer valid."));
            Assert.That(api.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the fresh access token died too");
            Assert.That(sut.IsGrantRevoked(issued.GrantId), Is.True);
            Assert.That(sut.Counters.ReusesDetected, Is.EqualTo(1));
            Assert.That(sut.Counters.RevokedGrants, Is.EqualTo(1));
            Assert.That(sut.Counters.InvalidGrants, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Refresh_LeewaySecondUse_NewBranchWithinLeewayThenRevoked()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero));
        await using var sut = await StartAsync(new OAuth2TestServerOptions { ReuseMode = OAuth2ReuseMode.Leeway, ReuseLeeway = TimeSpan.FromSeconds(30), TimeProvider = clock });
        var issued = sut.IssueTokens(User, Password);
        using var http = new HttpClient();
        var (_, first) = await RefreshAsync(http, sut, issued.RefreshToken);
        clock.Advance(TimeSpan.FromSeconds(29));

        var (withinStatus, branch) = await RefreshAsync(http, sut, issued.RefreshToken);
        clock.Advance(TimeSpan.FromSeconds(2));
        var (afterStatus, after) = await RefreshAsync(http, sut, issued.RefreshToken);

        Assert.Multiple(() =>
        {
            Assert.That(withinStatus, Is.EqualTo(200));
            Assert.That(branch.GetProperty("refresh_token").GetString(), Is.Not.EqualTo(first.GetProperty("refresh_token").GetString()));
            Assert.That(afterStatus, Is.EqualTo(400));
            Assert.That(after.GetProperty("error").GetString(), Is.EqualTo("invalid_grant"));
            Assert.That(sut.IsGrantRevoked(issued.GrantId), Is.True);
            Assert.That(sut.Counters.ReusesDetected, Is.EqualTo(2));
            Assert.That(sut.Counters.RevokedGrants, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Revoke_RefreshToken_RevokesTheGrantAndItsAccessTokens()
    {
        await using var sut = await StartAsync(new OAuth2TestServerOptions());
        var issued = sut.IssueTokens(User, Password);
        using var http = new HttpClient();

        using var revoke = await http.PostAsync(sut.RevocationEndpoint, Form(sut, ("token", issued.RefreshToken), ("token_type_hint", "refresh_token")));
        using var unknown = await http.PostAsync(sut.RevocationEndpoint, Form(sut, ("token", "never-issued")));

        using var api = await CallApiAsync(http, sut, issued.AccessToken);
        Assert.Multiple(() =>
        {
            Assert.That(revoke.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.OK), "RFC 7009 §2.2: unknown tokens are not an error");
            Assert.That(sut.IsGrantRevoked(issued.GrantId), Is.True);
            Assert.That(api.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(sut.Counters.RevocationRequests, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Api_Bearer_ValidatedWithRfc6750Challenges()
    {
        await using var sut = await StartAsync(new OAuth2TestServerOptions());
        var issued = sut.IssueTokens(User, Password);
        using var http = new HttpClient();

        using var ok = await CallApiAsync(http, sut, issued.AccessToken);
        using var bad = await CallApiAsync(http, sut, "forged");
        using var none = await http.GetAsync(new Uri(sut.ApiUrl, "items"));

        Assert.Multiple(() =>
        {
            Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(bad.Headers.WwwAuthenticate.ToString(), Does.Contain("error=\"invalid_token\""));
            Assert.That(none.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(none.Headers.WwwAuthenticate.ToString(), Does.StartWith("Bearer").And.Not.Contain("error="));
            Assert.That(sut.Counters.ApiUnauthorized, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Api_AccessTokenExpiredByServerClock_401()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero));
        await using var sut = await StartAsync(new OAuth2TestServerOptions { AccessTokenLifetime = TimeSpan.FromMinutes(5), TimeProvider = clock });
        var issued = sut.IssueTokens(User, Password);
        using var http = new HttpClient();
        clock.Advance(TimeSpan.FromMinutes(5));

        using var api = await CallApiAsync(http, sut, issued.AccessToken);

        Assert.That(api.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Token_ConfidentialClient_BasicOrBodyAcceptedWrongSecretInvalidClient()
    {
        await using var sut = await StartAsync(new OAuth2TestServerOptions { ClientId = "my app", ClientSecret = "s:cret" });
        using var http = new HttpClient();

        using var basic = new HttpRequestMessage(HttpMethod.Post, sut.TokenEndpoint)
        {
            Content = new FormUrlEncodedContent([new("grant_type", "password"), new("username", User), new("password", Password)]),
        };
        basic.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("my%20app:s%3Acret")));
        using var basicResponse = await http.SendAsync(basic);
        using var body = await http.PostAsync(sut.TokenEndpoint, new FormUrlEncodedContent(
            [new("grant_type", "password"), new("username", User), new("password", Password), new("client_id", "my app"), new("client_secret", "s:cret")]));
        using var wrong = await http.PostAsync(sut.TokenEndpoint, new FormUrlEncodedContent(
            [new("grant_type", "password"), new("username", User), new("password", Password), new("client_id", "my app"), new("client_secret", "nope")]));

        var wrongBody = await wrong.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Multiple(() =>
        {
            Assert.That(basicResponse.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(body.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(wrongBody.GetProperty("error").GetString(), Is.EqualTo("invalid_client"));
            Assert.That(sut.Counters.PasswordGrants, Is.EqualTo(2));
            Assert.That(sut.Counters.ClientAuthenticationFailures, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Token_IssueIdToken_ResponseCarriesIdTokenWithSub()
    {
        await using var sut = await StartAsync(new OAuth2TestServerOptions { IssueIdToken = true });
        var issued = sut.IssueTokens(User, Password);
        using var http = new HttpClient();

        var (_, body) = await RefreshAsync(http, sut, issued.RefreshToken);

        var idToken = body.GetProperty("id_token").GetString()!;
        var payload = JsonDocument.Parse(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Decode(idToken.Split('.')[1])).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(payload.GetProperty("sub").GetString(), Is.EqualTo(issued.UserId));
            Assert.That(payload.GetProperty("aud").GetString(), Is.EqualTo("test-client"));
            Assert.That(issued.IdToken, Is.Not.Null);
            Assert.That(body.GetProperty("access_token").GetString()!.Split('.'), Has.Length.Not.EqualTo(3), "access tokens stay opaque");
        });
    }

    [Test]
    public async Task Refresh_DropConnectionAfterRotating_RotatedButUnanswered()
    {
        await using var sut = await StartAsync(new OAuth2TestServerOptions());
        var issued = sut.IssueTokens(User, Password);
        using var http = new HttpClient();
        sut.EnqueueRefreshFault(TokenEndpointFault.DropConnectionAfterRotating());

        Assert.ThrowsAsync<HttpRequestException>(() => RefreshAsync(http, sut, issued.RefreshToken));

        var (status, replay) = await RefreshAsync(http, sut, issued.RefreshToken);
        Assert.Multiple(() =>
        {
            Assert.That(sut.Counters.RefreshSuccesses, Is.EqualTo(1), "the server rotated before dropping the connection");
            Assert.That(status, Is.EqualTo(400), "the resend is a reuse on a strict server");
            Assert.That(replay.GetProperty("error").GetString(), Is.EqualTo("invalid_grant"));
            Assert.That(sut.Counters.FaultsApplied, Is.EqualTo(1));
        });
    }

    [TestCase(503, "temporarily_unavailable")]
    [TestCase(500, "server_error")]
    public async Task Refresh_StatusFault_OAuthErrorShapeAndNothingRotated(int statusCode, string error)
    {
        await using var sut = await StartAsync(new OAuth2TestServerOptions());
        var issued = sut.IssueTokens(User, Password);
        using var http = new HttpClient();
        sut.EnqueueRefreshFault(TokenEndpointFault.Status(statusCode));

        var (status, body) = await RefreshAsync(http, sut, issued.RefreshToken);
        var (retryStatus, _) = await RefreshAsync(http, sut, issued.RefreshToken);

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(statusCode));
            Assert.That(body.GetProperty("error").GetString(), Is.EqualTo(error));
            Assert.That(retryStatus, Is.EqualTo(200), "nothing was rotated, so the same token still works");
        });
    }

    [Test]
    public async Task Refresh_DelayFault_CountedInFlightAndRotatesEvenWhenTheClientGaveUp()
    {
        await using var sut = await StartAsync(new OAuth2TestServerOptions());
        var issued = sut.IssueTokens(User, Password);
        using var http = new HttpClient();
        using var giveUp = new CancellationTokenSource();
        sut.EnqueueRefreshFault(TokenEndpointFault.Delayed(TimeSpan.FromMilliseconds(1500)));

        // The client gives up once the server holds the request (a 200 ms client timeout could run out before a slow
        // machine's request even reached the server, or 400 ms late, after the server had answered).
        Assert.That(sut.Counters.RefreshesInFlight, Is.Zero);
        var abandoned = http.PostAsync(sut.TokenEndpoint, Form(sut, ("grant_type", "refresh_token"), ("refresh_token", issued.RefreshToken)), giveUp.Token);
        while (sut.Counters.RefreshesInFlight == 0 && !abandoned.IsCompleted)
        {
            await Task.Delay(5);
        }

        await giveUp.CancelAsync();
        Assert.ThrowsAsync<TaskCanceledException>(() => abandoned);
        Assert.That(sut.Counters.RefreshesInFlight, Is.EqualTo(1), "the server is still processing the abandoned request");
        while (sut.Counters.RefreshesInFlight > 0)
        {
            await Task.Yield();
        }

        Assert.That(sut.Counters.RefreshSuccesses, Is.EqualTo(1), "the server rotated although the client had given up");
    }

    private static async Task<OAuth2TestServer> StartAsync(OAuth2TestServerOptions options)
    {
        var server = await OAuth2TestServer.StartAsync(options);
        server.AddUser(User, Password);
        return server;
    }

    private static FormUrlEncodedContent Form(OAuth2TestServer server, params (string Name, string Value)[] fields) =>
        new([.. fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)), new("client_id", server.Options.ClientId)]);

    private static async Task<(int Status, JsonElement Body)> RefreshAsync(HttpClient http, OAuth2TestServer server, string refreshToken)
    {
        using var response = await http.PostAsync(server.TokenEndpoint, Form(server, ("grant_type", "refresh_token"), ("refresh_token", refreshToken)));
        return ((int)response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private static async Task<HttpResponseMessage> CallApiAsync(HttpClient http, OAuth2TestServer server, string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.ApiUrl, "items"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return await http.SendAsync(request);
    }
}
