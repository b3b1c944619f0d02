// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using RichardSzalay.MockHttp;
using SessionKit.Tests.Support;

namespace SessionKit.Tests.Endpoints;

/// <summary>How <see cref="OAuth2TokenClient"/> speaks RFC 6749 §6 and classifies answers.</summary>
[TestFixture]
public sealed class OAuth2TokenClientTests
{
    private const string TokenUrl = "https://login.example.test/connect/token";

    [TestCase(400, """{"error":"invalid_grant","error_description":"The specified token is invalid."}""", RefreshOutcomeKind.Rejected)]
    [TestCase(401, """{"error":"invalid_grant"}""", RefreshOutcomeKind.Rejected)]
    [TestCase(400, """{"error":"invalid_client"}""", RefreshOutcomeKind.Faulted)]
    [TestCase(401, """{"error":"invalid_client"}""", RefreshOutcomeKind.Faulted)]
    [TestCase(400, """{"error":"invalid_request"}""", RefreshOutcomeKind.Faulted)]
    [TestCase(400, """{"error":"unauthorized_client"}""", RefreshOutcomeKind.Faulted)]
    [TestCase(400, """{"error":"unsupported_grant_type"}""", RefreshOutcomeKind.Faulted)]
    [TestCase(400, """{"error":"invalid_scope"}""", RefreshOutcomeKind.Faulted)]
    [TestCase(400, """{"error":"temporarily_unavailable"}""", RefreshOutcomeKind.Transient)]
    [TestCase(500, """{"error":"server_error"}""", RefreshOutcomeKind.Transient)]
    [TestCase(503, "<html>down</html>", RefreshOutcomeKind.Transient)]
    [TestCase(429, "slow down", RefreshOutcomeKind.Transient)]
    [TestCase(200, "{\"access_token\":", RefreshOutcomeKind.Transient)]
    [TestCase(200, """{"access_token":"opaque-access","token_type":"Bearer","expires_in":"300","refresh_token":"r2"}""", RefreshOutcomeKind.Succeeded)]
    [TestCase(200, """{"access_token":"opaque-access","token_type":"mac","expires_in":300}""", RefreshOutcomeKind.Faulted)]
    public async Task RefreshAsync_Answer_Classified(int status, string body, RefreshOutcomeKind expected)
    {
        using var mock = new MockHttpMessageHandler();
        mock.When(HttpMethod.Post, TokenUrl).Respond((HttpStatusCode)status, "application/json", body);
        var sut = CreateSut(mock, new OAuth2Options { ClientId = "app" });

        var outcome = await sut.RefreshAsync(Existing(), CancellationToken.None);

        Assert.That(outcome.Kind, Is.EqualTo(expected), outcome.ToString());
        if (expected == RefreshOutcomeKind.Rejected)
        {
            Assert.That(outcome.Reason, Is.EqualTo(SessionEndReason.InvalidGrant));
        }
    }

    [Test]
    public async Task RefreshAsync_ConfidentialClientBasic_FormBodyAndEncodedBasicHeader()
    {
        using var mock = new MockHttpMessageHandler();
        mock.Expect(HttpMethod.Post, TokenUrl)
            .WithFormData([new("grant_type", "refresh_token"), new("refresh_token", "r1")])
            .With(req => req.Headers.Authorization?.Scheme == "Basic"
                && Encoding.UTF8.GetString(Convert.FromBase64String(req.Headers.Authorization.Parameter!)) == "my%20app:s%3Acret")
            .With(req => !req.Content!.ReadAsStringAsync().GetAwaiter().GetResult().Contains("client_secret", StringComparison.Ordinal))
            .Respond("application/json", """{"access_token":"a2","token_type":"bearer","expires_in":60}""");
        mock.Fallback.Throw(new InvalidOperationException("unexpected request"));
        var sut = CreateSut(mock, new OAuth2Options { ClientId = "my app", ClientSecret = "s:cret" });

        var outcome = await sut.RefreshAsync(Existing(), CancellationToken.None);

        mock.VerifyNoOutstandingExpectation();
        Assert.Multiple(() =>
        {
            Assert.That(outcome.Kind, Is.EqualTo(RefreshOutcomeKind.Succeeded));
            Assert.That(outcome.Session!.RefreshToken, Is.Null, "no new refresh token: the coordinator keeps the old one");
        });
    }

    [Test]
    public async Task RefreshAsync_ClientSecretPost_CredentialsInBody()
    {
        using var mock = new MockHttpMessageHandler();
        mock.Expect(HttpMethod.Post, TokenUrl)
            .WithFormData([new("grant_type", "refresh_token"), new("refresh_token", "r1"), new("client_id", "app"), new("client_secret", "sec")])
            .With(req => req.Headers.Authorization is null)
            .Respond("application/json", """{"access_token":"a2","expires_in":60,"refresh_token":"r2"}""");
        mock.Fallback.Throw(new InvalidOperationException("unexpected request"));
        var sut = CreateSut(mock, new OAuth2Options { ClientId = "app", ClientSecret = "sec", ClientAuthentication = OAuth2ClientAuthentication.RequestBody });

        var outcome = await sut.RefreshAsync(Existing(), CancellationToken.None);

        mock.VerifyNoOutstandingExpectation();
        Assert.That(outcome.Session!.RefreshToken, Is.EqualTo("r2"));
    }

    [Test]
    public async Task SignInWithPasswordAsync_Ropc_SendsPasswordGrantWithScope()
    {
        using var mock = new MockHttpMessageHandler();
        mock.Expect(HttpMethod.Post, TokenUrl)
            .WithFormData([new("grant_type", "password"), new("username", "ada"), new("password", "pw"), new("scope", "openid offline_access"), new("client_id", "app")])
            .Respond("application/json", """{"access_token":"a1","expires_in":60,"refresh_token":"r1"}""");
        var sut = CreateSut(mock, new OAuth2Options { ClientId = "app", Scope = "openid offline_access" });

        var session = await sut.SignInWithPasswordAsync("ada", "pw", CancellationToken.None);

        Assert.That(session.RefreshToken, Is.EqualTo("r1"));
    }

    [Test]
    public void SignInWithPasswordAsync_InvalidGrant_TypedExceptionWithoutPassword()
    {
        using var mock = new MockHttpMessageHandler();
        mock.When(HttpMethod.Post, TokenUrl).Respond(HttpStatusCode.BadRequest, "application/json", """{"error":"invalid_grant","error_description":"bad credentials"}""");
        var sut = CreateSut(mock, new OAuth2Options { ClientId = "app" });

        var ex = Assert.ThrowsAsync<SessionSignInException>(() => sut.SignInWithPasswordAsync("ada", "hunter2-secret", CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ErrorCode, Is.EqualTo("invalid_grant"));
            Assert.That(ex.StatusCode, Is.EqualTo(400));
            Assert.That(ex.ToString(), Does.Not.Contain("hunter2-secret"));
        });
    }

    [Test]
    public async Task SignOutAsync_RevocationEndpoint_RevokesRefreshToken()
    {
        using var mock = new MockHttpMessageHandler();
        mock.Expect(HttpMethod.Post, "https://login.example.test/connect/revocation")
            .WithFormData([new("token", "r1"), new("token_type_hint", "refresh_token")])
            .Respond(HttpStatusCode.OK);
        var sut = CreateSut(mock, new OAuth2Options { ClientId = "app", RevocationEndpoint = new Uri("https://login.example.test/connect/revocation") });

        var confirmed = await sut.SignOutAsync(Existing(), CancellationToken.None);

        mock.VerifyNoOutstandingExpectation();
        Assert.That(confirmed, Is.True);
    }

    [Test]
    public async Task RefreshAsync_OpaqueAccessTokenWithIdToken_UserIdFromIdTokenSub()
    {
        using var mock = new MockHttpMessageHandler();
        var body = $$"""{"access_token":"opaque-access","token_type":"Bearer","expires_in":300,"refresh_token":"r2","id_token":"{{TestJwt.Create("user-42")}}"}""";
        mock.When(HttpMethod.Post, TokenUrl).Respond("application/json", body);
        var sut = CreateSut(mock, new OAuth2Options { ClientId = "app" });

        var outcome = await sut.RefreshAsync(Existing(), CancellationToken.None);

        Assert.That(outcome.Session!.UserId, Is.EqualTo("user-42"));
    }

    [Test]
    public async Task RefreshAsync_InvalidGrantWithDescription_RejectionCarriesServerDescription()
    {
        using var mock = new MockHttpMessageHandler();
        mock.When(HttpMethod.Post, TokenUrl).Respond(HttpStatusCode.BadRequest, "application/json",
            """{"error":"invalid_grant","error_description":"The specified refresh token has already been redeemed.","error_uri":"https://documentation.openiddict.com/errors/ID2012"}""");
        var sut = CreateSut(mock, new OAuth2Options { ClientId = "app" });

        var outcome = await sut.RefreshAsync(Existing(), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Kind, Is.EqualTo(RefreshOutcomeKind.Rejected));
            Assert.That(outcome.ErrorCode, Is.EqualTo("invalid_grant"));
            Assert.That(outcome.Description, Is.EqualTo("The specified refresh token has already been redeemed."));
        });
    }

    [TestCase(150, TestName = "RefreshAsync_DescriptionEchoesTokenAcrossTheCut_NoFragmentSurvives")]
    [TestCase(20, TestName = "RefreshAsync_DescriptionEchoesTokenBeforeTheCut_RedactedThenCapped")]
    public async Task RefreshAsync_DescriptionEchoesToken_NoTokenMaterial(int prefixLength)
    {
        const string Token = "rt-SECRET-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        var text = new string('x', prefixLength) + " the token presented was " + Token + " and it is not valid here any more, "
            + string.Concat(Enumerable.Repeat("padding ", 30));
        using var mock = new MockHttpMessageHandler();
        mock.When(HttpMethod.Post, TokenUrl).Respond(HttpStatusCode.BadRequest, "application/json",
            System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["error"] = "invalid_grant", ["error_description"] = text }));
        var sut = CreateSut(mock, new OAuth2Options { ClientId = "app" });

        var outcome = await sut.RefreshAsync(new Session { AccessToken = "a1", RefreshToken = Token, ExpiresAt = DateTimeOffset.UnixEpoch }, CancellationToken.None);

        var description = outcome.Description!;
        Assert.Multiple(() =>
        {
            Assert.That(description.Length, Is.LessThanOrEqualTo(201));
            Assert.That(description, Does.StartWith(new string('x', prefixLength) + " the token presented was"));
            for (var i = 0; i + 6 <= Token.Length; i++)
            {
                Assert.That(description, Does.Not.Contain(Token.Substring(i, 6)), "no six characters of the token survive");
            }
        });
    }

    [TestCase("0", "expiring now")]
    [TestCase("-1", "expiring now")]
    [TestCase("\"soon\"", "expiring now")]
    [TestCase("315576000", "unknown")]
    [TestCase(null, "unknown")]
    public async Task RefreshAsync_RotatedWithOddExpiry_SucceedsWithTheNewRefreshToken(string? expiresIn, string expected)
    {
        var body = "{\"access_token\":\"opaque-access\",\"token_type\":\"Bearer\"," + (expiresIn is null ? string.Empty : "\"expires_in\":" + expiresIn + ",") + "\"refresh_token\":\"r2\"}";
        using var mock = new MockHttpMessageHandler();
        mock.When(HttpMethod.Post, TokenUrl).Respond("application/json", body);
        var now = new DateTimeOffset(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);
        var sut = new OAuth2TokenClient(mock.ToHttpClient(), new OAuth2Options { TokenEndpoint = new Uri(TokenUrl), ClientId = "app" }, new FakeTimeProvider(now));

        var outcome = await sut.RefreshAsync(Existing(), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Kind, Is.EqualTo(RefreshOutcomeKind.Succeeded), outcome.ToString());
            Assert.That(outcome.Session!.RefreshToken, Is.EqualTo("r2"));
            Assert.That(outcome.Session.ExpiresAt, Is.EqualTo(expected == "expiring now" ? now : DateTimeOffset.MaxValue));
        });
    }

    [Test]
    public async Task RefreshAsync_OddExpiryWithJwtAccessToken_UsesExpClaim()
    {
        var exp = new DateTimeOffset(2026, 5, 1, 9, 0, 0, TimeSpan.Zero);
        using var mock = new MockHttpMessageHandler();
        mock.When(HttpMethod.Post, TokenUrl).Respond("application/json", $$"""{"access_token":"{{TestJwt.Create(exp: exp)}}","token_type":"Bearer","expires_in":0,"refresh_token":"r2"}""");
        var sut = CreateSut(mock, new OAuth2Options { ClientId = "app" });

        var outcome = await sut.RefreshAsync(Existing(), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Kind, Is.EqualTo(RefreshOutcomeKind.Succeeded));
            Assert.That(outcome.Session!.ExpiresAt, Is.EqualTo(exp));
            Assert.That(outcome.Description, Does.Contain("exp claim"));
        });
    }

    [Test]
    public async Task RefreshAsync_RotatedWithDPoPTokenType_FaultedCarryingTheSessionToStore()
    {
        using var mock = new MockHttpMessageHandler();
        mock.When(HttpMethod.Post, TokenUrl).Respond("application/json", """{"access_token":"opaque-access","token_type":"DPoP","expires_in":300,"refresh_token":"r2"}""");
        var sut = CreateSut(mock, new OAuth2Options { ClientId = "app" });

        var outcome = await sut.RefreshAsync(Existing(), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Kind, Is.EqualTo(RefreshOutcomeKind.Faulted));
            Assert.That(outcome.Session!.RefreshToken, Is.EqualTo("r2"));
            Assert.That(outcome.Description, Does.Contain("DPoP"));
        });
    }

    [TestCase(RefreshTokenReuse.Strict, 0)]
    [TestCase(RefreshTokenReuse.Leeway, 30)]
    [TestCase(RefreshTokenReuse.Always, -1)]
    public void RefreshTokenReuseWindow_FollowsOptions(RefreshTokenReuse reuse, int seconds)
    {
        var sut = new OAuth2TokenClient(new HttpClient(), new OAuth2Options { TokenEndpoint = new Uri(TokenUrl), ClientId = "app", RefreshTokenReuse = reuse });

        Assert.That(sut.RefreshTokenReuseWindow, Is.EqualTo(seconds < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(seconds)));
    }

    private static Session Existing() => new() { AccessToken = "a1", RefreshToken = "r1", ExpiresAt = DateTimeOffset.UnixEpoch };

    private static OAuth2TokenClient CreateSut(MockHttpMessageHandler mock, OAuth2Options options)
    {
        options.TokenEndpoint = new Uri(TokenUrl);
        return new OAuth2TokenClient(mock.ToHttpClient(), options, new FakeTimeProvider());
    }
}
