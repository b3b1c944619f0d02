// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using RichardSzalay.MockHttp;
using SessionKit.Tests.Support;

namespace SessionKit.Tests.Endpoints;

/// <summary>How <see cref="GoTrueTokenClient"/> builds requests and classifies every answer (spec sections 4 and 7.3).</summary>
[TestFixture]
public sealed class GoTrueTokenClientTests
{
    private const string TokenUrl = "https://auth.example.test/auth/v1/token";
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static IEnumerable<TestCaseData> Rejections()
    {
        // Shape A (legacy): error_code.
        yield return Case(400, """{"code":400,"error_code":"refresh_token_already_used","msg":"Invalid Refresh Token: Already Used"}""", SessionEndReason.RefreshTokenAlreadyUsed, "A already used");
        yield return Case(400, """{"code":400,"error_code":"refresh_token_not_found","msg":"Invalid Refresh Token: Refresh Token Not Found"}""", SessionEndReason.RefreshTokenNotFound, "A not found");
        yield return Case(400, """{"code":400,"error_code":"session_expired","msg":"Invalid Refresh Token: Session Expired (Inactivity)"}""", SessionEndReason.SessionExpired, "A expired");
        yield return Case(400, """{"code":400,"error_code":"session_not_found","msg":"Invalid Refresh Token: No Valid Session Found"}""", SessionEndReason.SessionNotFound, "A no session");
        yield return Case(400, """{"code":400,"error_code":"user_banned","msg":"Invalid Refresh Token: User Banned"}""", SessionEndReason.UserBanned, "A banned");
        yield return Case(400, """{"code":400,"error_code":"validation_failed","msg":"Refresh token is not valid"}""", SessionEndReason.InvalidRefreshToken, "A validation");

        // Shape B (2024-01-01): string code, version header echoed.
        yield return Case(400, """{"code":"refresh_token_already_used","message":"Invalid Refresh Token: Already Used"}""", SessionEndReason.RefreshTokenAlreadyUsed, "B already used", versioned: true);
        yield return Case(400, """{"code":"session_expired","message":"Invalid Refresh Token: Session Expired"}""", SessionEndReason.SessionExpired, "B expired", versioned: true);
        yield return Case(400, """{"code":"refresh_token_not_found","message":"Invalid Refresh Token: Refresh Token Not Found"}""", SessionEndReason.RefreshTokenNotFound, "B not found, header stripped by a proxy");

        // Shape C (OAuth, servers before 2.164): invalid_grant with the message telling the reason.
        yield return Case(400, """{"error":"invalid_grant","error_description":"Invalid Refresh Token: Already Used"}""", SessionEndReason.RefreshTokenAlreadyUsed, "C already used");
        yield return Case(400, """{"error":"invalid_grant","error_description":"Invalid Refresh Token: Refresh Token Not Found"}""", SessionEndReason.RefreshTokenNotFound, "C not found");
        yield return Case(400, """{"error":"invalid_grant","error_description":"Something else"}""", SessionEndReason.InvalidGrant, "C other");

        // 2022-era bare message.
        yield return Case(400, """{"code":400,"msg":"Invalid Refresh Token"}""", SessionEndReason.InvalidGrant, "bare message");
    }

    public static IEnumerable<TestCaseData> Transients()
    {
        yield return new TestCaseData(500, """{"code":500,"error_code":"unexpected_failure","msg":"failed saving session","error_id":"x"}""", "application/json").SetName("Transient 500");
        yield return new TestCaseData(502, "<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html").SetName("Transient 502 HTML");
        yield return new TestCaseData(503, "Service Unavailable", "text/plain").SetName("Transient 503");
        yield return new TestCaseData(504, "", "text/plain").SetName("Transient 504 empty");
        yield return new TestCaseData(520, "<html>edge</html>", "text/html").SetName("Transient 520 edge");
        yield return new TestCaseData(429, """{"code":429,"error_code":"over_request_rate_limit","msg":"Request rate limit reached"}""", "application/json").SetName("Transient 429");
        yield return new TestCaseData(409, """{"code":409,"error_code":"conflict","msg":"Too many concurrent token refresh requests on the same session or refresh token"}""", "application/json").SetName("Transient 409");
        yield return new TestCaseData(408, "", "text/plain").SetName("Transient 408");
        yield return new TestCaseData(200, """{"access_token":"eyJ""", "application/json").SetName("Transient truncated JSON 200");
        yield return new TestCaseData(200, "OK", "text/plain").SetName("Transient non-JSON 200");
        yield return new TestCaseData(200, "[1,2,3]", "application/json").SetName("Transient JSON array 200");
        yield return new TestCaseData(200, """{"access_token":42,"token_type":"bearer","expires_in":3600}""", "application/json").SetName("Transient 200 access_token number");
        yield return new TestCaseData(200, """{"access_token":"a.b.c","expires_in":3600,"refresh_token":12}""", "application/json").SetName("Transient 200 refresh_token number");
        yield return new TestCaseData(302, "", "text/plain").SetName("Transient redirect");
    }

    public static IEnumerable<TestCaseData> Faults()
    {
        yield return new TestCaseData(400, """{"code":400,"error_code":"bad_json","msg":"Could not parse request body as JSON"}""").SetName("Faulted bad_json");
        yield return new TestCaseData(400, """{"code":400,"error_code":"invalid_credentials","msg":"unsupported_grant_type"}""").SetName("Faulted unsupported grant");
        yield return new TestCaseData(400, """{"error":"invalid_client","error_description":"Client authentication required for OAuth session"}""").SetName("Faulted invalid_client");
        yield return new TestCaseData(400, """{"error":"invalid_request","error_description":"refresh_token required"}""").SetName("Faulted invalid_request");
        yield return new TestCaseData(400, """{"code":"unknown","message":"???"}""").SetName("Faulted unknown 400");
        yield return new TestCaseData(400, "<html>bad request</html>").SetName("Faulted HTML 400");
        yield return new TestCaseData(401, """{"message":"Invalid API key"}""").SetName("Faulted gateway 401");
        yield return new TestCaseData(403, "forbidden").SetName("Faulted 403");
        yield return new TestCaseData(404, "not found").SetName("Faulted 404 wrong URL");
        yield return new TestCaseData(413, """{"code":413,"error_code":"request_entity_too_large","msg":"too large"}""").SetName("Faulted 413");
    }

    [TestCaseSource(nameof(Rejections))]
    public async Task RefreshAsync_RejectionBody_Rejected(int status, string body, bool versioned, SessionEndReason reason)
    {
        using var mock = new MockHttpMessageHandler();
        var response = mock.When(HttpMethod.Post, TokenUrl).Respond(req =>
        {
            var message = new HttpResponseMessage((HttpStatusCode)status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            if (versioned)
            {
                message.Headers.Add("X-Supabase-Api-Version", "2024-01-01");
            }

            return message;
        });
        var sut = CreateSut(mock);

        var outcome = await sut.RefreshAsync(Existing(), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Kind, Is.EqualTo(RefreshOutcomeKind.Rejected));
            Assert.That(outcome.Reason, Is.EqualTo(reason));
            Assert.That(outcome.StatusCode, Is.EqualTo(status));
        });
    }

    [TestCaseSource(nameof(Transients))]
    public async Task RefreshAsync_UnusableAnswer_Transient(int status, string body, string contentType)
    {
        using var mock = new MockHttpMessageHandler();
        mock.When(HttpMethod.Post, TokenUrl).Respond((HttpStatusCode)status, contentType, body);
        var sut = CreateSut(mock);

        var outcome = await sut.RefreshAsync(Existing(), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Kind, Is.EqualTo(RefreshOutcomeKind.Transient), outcome.ToString());
            Assert.That(outcome.Session, Is.Null);
        });
    }

    [TestCaseSource(nameof(Faults))]
    public async Task RefreshAsync_RequestRefused_Faulted(int status, string body)
    {
        using var mock = new MockHttpMessageHandler();
        mock.When(HttpMethod.Post, TokenUrl).Respond((HttpStatusCode)status, "application/json", body);
        var sut = CreateSut(mock);

        var outcome = await sut.RefreshAsync(Existing(), CancellationToken.None);

        Assert.That(outcome.Kind, Is.EqualTo(RefreshOutcomeKind.Faulted), outcome.ToString());
    }

    [Test]
    public async Task RefreshAsync_NetworkFailure_Transient()
    {
        using var mock = new MockHttpMessageHandler();
        mock.When(HttpMethod.Post, TokenUrl).Throw(new HttpRequestException("connection reset"));
        var sut = CreateSut(mock);

        var outcome = await sut.RefreshAsync(Existing(), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Kind, Is.EqualTo(RefreshOutcomeKind.Transient));
            Assert.That(outcome.Exception, Is.InstanceOf<HttpRequestException>());
        });
    }

    [Test]
    public async Task RefreshAsync_RetryAfterOn429_Carried()
    {
        using var mock = new MockHttpMessageHandler();
        mock.When(HttpMethod.Post, TokenUrl).Respond(_ =>
        {
            var r = new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Content = new StringContent("{}") };
            r.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(7));
            return r;
        });
        var sut = CreateSut(mock);

        var outcome = await sut.RefreshAsync(Existing(), CancellationToken.None);

        Assert.That(outcome.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(7)));
    }

    [Test]
    public async Task RefreshAsync_HugeBody_TransientWithoutReadingItAll()
    {
        using var mock = new MockHttpMessageHandler();
        mock.When(HttpMethod.Post, TokenUrl).Respond(_ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StreamContent(new EndlessStream()),
        });
        var sut = CreateSut(mock);

        var outcome = await sut.RefreshAsync(Existing(), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Kind, Is.EqualTo(RefreshOutcomeKind.Transient));
            Assert.That(outcome.Description, Does.Contain("larger than"));
        });
    }

    [Test]
    public async Task RefreshAsync_Request_MatchesGoTrueWireFormat()
    {
        using var mock = new MockHttpMessageHandler();
        string? sentBody = null;
        mock.Expect(HttpMethod.Post, TokenUrl)
            .WithQueryString("grant_type", "refresh_token")
            .WithHeaders("apikey", "anon-key")
            .WithHeaders("X-Supabase-Api-Version", "2024-01-01")
            .With(req => req.Content!.Headers.ContentType!.MediaType == "application/json")
            .Respond(req =>
            {
                sentBody = req.Content!.ReadAsStringAsync().GetAwaiter().GetResult();
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(TestJwt.TokenBody(TestJwt.Create(), "newrefresh001", userId: "u-1")) };
            });
        mock.Fallback.Throw(new InvalidOperationException("unexpected request"));
        var sut = CreateSut(mock, apiKey: "anon-key");

        var outcome = await sut.RefreshAsync(Existing(), CancellationToken.None);

        mock.VerifyNoOutstandingExpectation();
        Assert.Multiple(() =>
        {
            Assert.That(JsonDocument.Parse(sentBody!).RootElement.GetProperty("refresh_token").GetString(), Is.EqualTo("oldrefresh001"));
            Assert.That(outcome.Kind, Is.EqualTo(RefreshOutcomeKind.Succeeded));
            Assert.That(outcome.Session!.RefreshToken, Is.EqualTo("newrefresh001"));
            Assert.That(outcome.Session.UserId, Is.EqualTo("u-1"));
        });
    }

    [Test]
    public async Task RefreshAsync_ExpiresIn_MeasuredFromReceiptNotServerClock()
    {
        using var mock = new MockHttpMessageHandler();
        var body = """{"access_token":"ACCESS","token_type":"bearer","expires_in":120,"expires_at":1,"refresh_token":"newrefresh001"}""".Replace("ACCESS", TestJwt.Create());
        mock.When(HttpMethod.Post, TokenUrl).Respond("application/json", body);
        var sut = CreateSut(mock);

        var outcome = await sut.RefreshAsync(Existing(), CancellationToken.None);

        Assert.That(outcome.Session!.ExpiresAt, Is.EqualTo(Now + TimeSpan.FromSeconds(120)));
    }

    [Test]
    public async Task RefreshAsync_OnlyExpiresAt_UsesIt()
    {
        using var mock = new MockHttpMessageHandler();
        var body = $$"""{"access_token":"{{TestJwt.Create()}}","token_type":"bearer","expires_at":{{Now.AddMinutes(5).ToUnixTimeSeconds()}},"refresh_token":"newrefresh001"}""";
        mock.When(HttpMethod.Post, TokenUrl).Respond("application/json", body);
        var sut = CreateSut(mock);

        var outcome = await sut.RefreshAsync(Existing(), CancellationToken.None);

        Assert.That(outcome.Session!.ExpiresAt, Is.EqualTo(Now.AddMinutes(5)));
    }

    [Test]
    public async Task RefreshAsync_NoExpiryFields_UsesJwtExp()
    {
        using var mock = new MockHttpMessageHandler();
        var exp = Now.AddMinutes(7);
        var body = $$"""{"access_token":"{{TestJwt.Create(exp: exp)}}","token_type":"bearer","refresh_token":"newrefresh001"}""";
        mock.When(HttpMethod.Post, TokenUrl).Respond("application/json", body);
        var sut = CreateSut(mock);

        var outcome = await sut.RefreshAsync(Existing(), CancellationToken.None);

        Assert.That(outcome.Session!.ExpiresAt, Is.EqualTo(exp));
    }

    [TestCase("""{"token_type":"bearer","expires_in":3600,"refresh_token":"newrefresh001"}""", "access_token is missing")]
    [TestCase("""{"access_token":"not-a.jwt","token_type":"bearer","expires_in":3600,"refresh_token":"newrefresh001"}""", "not a well-formed JWT")]
    [TestCase("""{"access_token":"a.b.c","expires_in":{"s":1},"refresh_token":"newrefresh001"}""", "not a well-formed JWT")]
    public async Task RefreshAsync_RotatedButAccessTokenUnusable_KeepsNewRefreshTokenWithOldAccessTokenExpired(string body, string problem)
    {
        using var mock = new MockHttpMessageHandler();
        mock.When(HttpMethod.Post, TokenUrl).Respond("application/json", body);
        var sut = CreateSut(mock);
        var existing = Existing();

        var outcome = await sut.RefreshAsync(existing, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Kind, Is.EqualTo(RefreshOutcomeKind.Transient), outcome.ToString());
            Assert.That(outcome.IsAmbiguous, Is.False);
            Assert.That(outcome.Description, Does.Contain(problem));
            Assert.That(outcome.Session!.RefreshToken, Is.EqualTo("newrefresh001"));
            Assert.That(outcome.Session.AccessToken, Is.EqualTo(existing.AccessToken));
            Assert.That(outcome.Session.ExpiresAt, Is.EqualTo(Now), "treated as expired: the next use refreshes with the new token");
        });
    }

    [TestCase(200, """{"access_token":"eyJ""", true)]
    [TestCase(200, """{"access_token":"a.b.c","expires_in":3600,"refresh_token":12}""", true)]
    [TestCase(503, "down", false)]
    [TestCase(429, "slow down", false)]
    public async Task RefreshAsync_AnswerWithoutReadableRefreshToken_AmbiguousOnlyWhenSuccess(int status, string body, bool ambiguous)
    {
        using var mock = new MockHttpMessageHandler();
        mock.When(HttpMethod.Post, TokenUrl).Respond((HttpStatusCode)status, "application/json", body);
        var sut = CreateSut(mock);

        var outcome = await sut.RefreshAsync(Existing(), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Kind, Is.EqualTo(RefreshOutcomeKind.Transient));
            Assert.That(outcome.IsAmbiguous, Is.EqualTo(ambiguous));
            Assert.That(outcome.Session, Is.Null);
        });
    }

    [TestCase(HttpRequestError.ConnectionError, false)]
    [TestCase(HttpRequestError.NameResolutionError, false)]
    [TestCase(HttpRequestError.SecureConnectionError, false)]
    [TestCase(HttpRequestError.ResponseEnded, true)]
    [TestCase(HttpRequestError.InvalidResponse, true)]
    [TestCase(HttpRequestError.Unknown, true)]
    public async Task RefreshAsync_RequestFails_AmbiguousUnlessNothingWasSent(HttpRequestError error, bool ambiguous)
    {
        using var mock = new MockHttpMessageHandler();
        mock.When(HttpMethod.Post, TokenUrl).Throw(new HttpRequestException(error, "failed"));
        var sut = CreateSut(mock);

        var outcome = await sut.RefreshAsync(Existing(), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Kind, Is.EqualTo(RefreshOutcomeKind.Transient));
            Assert.That(outcome.IsAmbiguous, Is.EqualTo(ambiguous));
        });
    }

    [Test]
    public async Task RefreshAsync_ResponseCutOffAfterSend_Ambiguous()
    {
        using var mock = new MockHttpMessageHandler();
        mock.When(HttpMethod.Post, TokenUrl).Throw(new IOException("connection reset by peer"));
        var sut = CreateSut(mock);

        var outcome = await sut.RefreshAsync(Existing(), CancellationToken.None);

        Assert.That(outcome.IsAmbiguous, Is.True);
    }

    [Test]
    public async Task RefreshAsync_ServerEchoesTokenAcrossTheCap_DescriptionHoldsNoPartOfIt()
    {
        var existing = Existing();
        var message = new string('x', 170) + " the token presented was " + existing.RefreshToken + "0123456789abcdefghijklmnopqrstuv and more";
        var unknownToken = new string('y', 190) + " rt-SECRET-0123456789abcdefghijklmnopqrstuv";
        using var mock = new MockHttpMessageHandler();
        mock.When(HttpMethod.Post, TokenUrl).Respond(HttpStatusCode.BadRequest, "application/json", $$"""{"code":"unknown","message":"{{message}}"}""");
        var sut = CreateSut(mock);
        using var mock2 = new MockHttpMessageHandler();
        mock2.When(HttpMethod.Post, TokenUrl).Respond(HttpStatusCode.BadRequest, "application/json", $$"""{"code":"unknown","message":"{{unknownToken}}"}""");
        var sut2 = CreateSut(mock2);

        var known = await sut.RefreshAsync(existing, CancellationToken.None);
        var unknown = await sut2.RefreshAsync(existing, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(known.Description, Does.Not.Contain(existing.RefreshToken![..5]));
            Assert.That(known.Description!.Length, Is.LessThanOrEqualTo(201));
            Assert.That(unknown.Description, Does.Not.Contain("rt-S"), "a word cut by the cap is dropped whole");
        });
    }

    private static TestCaseData Case(int status, string body, SessionEndReason reason, string name, bool versioned = false) =>
        new TestCaseData(status, body, versioned, reason).SetName("Rejected " + name);

    private static Session Existing() => new() { AccessToken = TestJwt.Create(), RefreshToken = "oldrefresh001", ExpiresAt = Now };

    private static GoTrueTokenClient CreateSut(MockHttpMessageHandler mock, string? apiKey = null) =>
        new(mock.ToHttpClient(), new GoTrueOptions { AuthUrl = new Uri("https://auth.example.test/auth/v1/"), ApiKey = apiKey, MaxResponseBodyBytes = 64 * 1024 }, new FakeTimeProvider(Now));
}
