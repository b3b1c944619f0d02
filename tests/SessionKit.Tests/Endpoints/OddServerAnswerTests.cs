// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using RichardSzalay.MockHttp;
using SessionKit.Tests.Support;

namespace SessionKit.Tests.Endpoints;

/// <summary>
/// Odd but real token endpoint answers, at the byte level: vendor status codes, a BOM, a declared non-UTF-8 charset, invalid
/// UTF-8, compressed bodies, secrets echoed in error text, and an <see cref="HttpClient"/> that follows redirects.
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class OddServerAnswerTests
{
    private const string TokenUrl = "https://login.example.test/connect/token";
    private const string GoTrueTokenUrl = "https://auth.example.test/auth/v1/token";
    private const string Rotated = """{"access_token":"opaque-access","token_type":"Bearer","expires_in":300,"refresh_token":"r2"}""";

    [TestCase(403, """{"error":"invalid_grant","error_description":"Unknown or invalid refresh token."}""", TestName = "RefreshAsync_InvalidGrantFromVendor_RejectedAsInvalidGrant(Auth0 403)")]
    [TestCase(400, """{"error":"invalid_grant","error_description":"Token is not active"}""", TestName = "RefreshAsync_InvalidGrantFromVendor_RejectedAsInvalidGrant(Keycloak not active)")]
    [TestCase(400, """{"error":"invalid_grant","error_description":"Stale token"}""", TestName = "RefreshAsync_InvalidGrantFromVendor_RejectedAsInvalidGrant(Keycloak stale)")]
    [TestCase(400, """{"error":"invalid_grant","error_description":"Session not active"}""", TestName = "RefreshAsync_InvalidGrantFromVendor_RejectedAsInvalidGrant(Keycloak session)")]
    [TestCase(400, """{"error":"invalid_grant","error_description":"The refresh token is invalid or expired."}""", TestName = "RefreshAsync_InvalidGrantFromVendor_RejectedAsInvalidGrant(Okta)")]
    [TestCase(400, """{"error":"invalid_grant","error_description":"AADSTS70008: The provided authorization code or refresh token has expired due to inactivity.","error_codes":[70008],"suberror":"bad_token"}""", TestName = "RefreshAsync_InvalidGrantFromVendor_RejectedAsInvalidGrant(Azure AD)")]
    public async Task RefreshAsync_InvalidGrantFromVendor_RejectedAsInvalidGrant(int status, string body)
    {
        var sut = OAuth2(_ => Answer(status, Encoding.UTF8.GetBytes(body)));

        var outcome = await sut.RefreshAsync(Existing(), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Kind, Is.EqualTo(RefreshOutcomeKind.Rejected), outcome.ToString());
            Assert.That(outcome.Reason, Is.EqualTo(SessionEndReason.InvalidGrant));
            Assert.That(outcome.StatusCode, Is.EqualTo(status));
        });
    }

    [TestCase(400, "interaction_required", """AADSTS50076: Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication.""")]
    [TestCase(400, "login_required", "The user must sign in again.")]
    [TestCase(400, "consent_required", "AADSTS65001: The user or administrator has not consented.")]
    [TestCase(401, "account_selection_required", "Pick an account.")]
    public async Task RefreshAsync_ServerNeedsTheUserToSignInAgain_RejectedAsInteractionRequired(int status, string code, string description)
    {
        var sut = OAuth2(_ => Answer(status, Encoding.UTF8.GetBytes($$"""{"error":"{{code}}","error_description":"{{description}}"}""")));

        var outcome = await sut.RefreshAsync(Existing(), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Kind, Is.EqualTo(RefreshOutcomeKind.Rejected), outcome.ToString());
            Assert.That(outcome.Reason, Is.EqualTo(SessionEndReason.InteractionRequired));
            Assert.That(outcome.ErrorCode, Is.EqualTo(code));
        });
    }

    [Test]
    public async Task RefreshAsync_InteractionRequiredThroughTheCoordinator_EndsTheSessionOnceWithTheReason()
    {
        // Before: a configuration fault, so the session was kept and every request failed the same way with no way out but
        // signing out by hand. Now the session ends cleanly, and the app sends the user to sign in.
        var store = new InMemoryTokenStore();
        var session = new Session { AccessToken = "a1", RefreshToken = "r1", ExpiresAt = DateTimeOffset.UnixEpoch.AddHours(1) };
        await store.SetAsync("default", session, CancellationToken.None);
        var calls = 0;
        var client = OAuth2(_ =>
        {
            calls++;
            return Answer(400, """{"error":"interaction_required","error_description":"AADSTS50076: you must use multi-factor authentication."}"""u8.ToArray());
        });
        var sut = new RefreshCoordinator(store, client, new RefreshOptions { MaxRetryAttempts = 0 }, new FakeTimeProvider(DateTimeOffset.UnixEpoch));
        var ended = new List<SessionEndedEventArgs>();
        sut.SessionEnded += (_, e) => ended.Add(e);

        var first = Assert.ThrowsAsync<SessionEndedException>(() => sut.RefreshAsync("default", session, CancellationToken.None));
        var second = Assert.ThrowsAsync<SessionEndedException>(() => sut.RefreshAsync("default", session, CancellationToken.None));

        Assert.Multiple(async () =>
        {
            Assert.That(first!.Reason, Is.EqualTo(SessionEndReason.InteractionRequired));
            Assert.That(second!.Reason, Is.EqualTo(SessionEndReason.InteractionRequired), "the tombstone answers, no second call");
            Assert.That(calls, Is.EqualTo(1));
            Assert.That(ended.Select(e => e.Reason), Is.EqualTo(new[] { SessionEndReason.InteractionRequired }));
            Assert.That(await store.GetAsync("default", CancellationToken.None), Is.Null);
        });
    }

    [Test]
    public async Task RefreshAsync_RotatedAnswerWithUtf8Bom_SucceedsWithTheNewRefreshToken()
    {
        var sut = OAuth2(_ => Answer(200, [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(Rotated)]));

        var outcome = await sut.RefreshAsync(Existing(), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Kind, Is.EqualTo(RefreshOutcomeKind.Succeeded), outcome.ToString());
            Assert.That(outcome.Session!.RefreshToken, Is.EqualTo("r2"));
        });
    }

    [Test]
    public async Task RefreshAsync_InvalidGrantWithUtf8Bom_Rejected()
    {
        var sut = OAuth2(_ => Answer(400, [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes("""{"error":"invalid_grant"}""")]));

        var outcome = await sut.RefreshAsync(Existing(), CancellationToken.None);

        Assert.That(outcome.Kind, Is.EqualTo(RefreshOutcomeKind.Rejected), outcome.ToString());
    }

    [Test]
    public async Task RefreshAsync_InvalidGrantInDeclaredLatin1_RejectedWithTheTextAsSent()
    {
        var body = Encoding.Latin1.GetBytes("""{"error":"invalid_grant","error_description":"Sitzung ungültig"}""");
        var sut = OAuth2(_ => Answer(400, body, "application/json; charset=ISO-8859-1"));

        var outcome = await sut.RefreshAsync(Existing(), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Kind, Is.EqualTo(RefreshOutcomeKind.Rejected), outcome.ToString());
            Assert.That(outcome.Description, Is.EqualTo("Sitzung ungültig"));
        });
    }

    [Test]
    public async Task RefreshAsync_GoTrueReuseWithInvalidUtf8InMessage_RejectedAsAlreadyUsed()
    {
        byte[] body = [.. Encoding.UTF8.GetBytes("""{"code":400,"error_code":"refresh_token_already_used","msg":"Already Used """), 0xFC, .. "\"}"u8];
        using var mock = new MockHttpMessageHandler();
        mock.When(HttpMethod.Post, GoTrueTokenUrl).Respond(_ => Answer(400, body));
        var sut = new GoTrueTokenClient(mock.ToHttpClient(), new GoTrueOptions { AuthUrl = new Uri("https://auth.example.test/auth/v1/") }, new FakeTimeProvider());

        var outcome = await sut.RefreshAsync(new Session { AccessToken = TestJwt.Create(), RefreshToken = "oldrefresh001", ExpiresAt = DateTimeOffset.UnixEpoch }, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Kind, Is.EqualTo(RefreshOutcomeKind.Rejected), outcome.ToString());
            Assert.That(outcome.Reason, Is.EqualTo(SessionEndReason.RefreshTokenAlreadyUsed));
        });
    }

    [TestCase("id_token", TestName = "RefreshAsync_RotatedWithInvalidUtf8UserId_SucceedsWithTheNewRefreshToken(id_token sub)")]
    [TestCase("user", TestName = "RefreshAsync_RotatedWithInvalidUtf8UserId_SucceedsWithTheNewRefreshToken(user.id)")]
    public async Task RefreshAsync_RotatedWithInvalidUtf8UserId_SucceedsWithTheNewRefreshToken(string where)
    {
        byte[] body;
        if (where == "id_token")
        {
            var payload = Convert.ToBase64String([.. "{\"sub\":\"J"u8, 0xFC, .. "rgen\"}"u8]).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            body = Encoding.UTF8.GetBytes(Rotated.TrimEnd('}') + ",\"id_token\":\"eyJhbGciOiJub25lIn0." + payload + ".c2ln\"}");
        }
        else
        {
            body = [.. Encoding.UTF8.GetBytes(Rotated.TrimEnd('}') + ",\"user\":{\"id\":\"J"), 0xFC, .. "rgen\"}}"u8];
        }

        var sut = OAuth2(_ => Answer(200, body));

        var outcome = await sut.RefreshAsync(Existing(), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Kind, Is.EqualTo(RefreshOutcomeKind.Succeeded), outcome.ToString());
            Assert.That(outcome.Session!.RefreshToken, Is.EqualTo("r2"));
            Assert.That(outcome.Session.UserId, Is.Null);
        });
    }

    [Test]
    public async Task RefreshAsync_RotatedWithInvalidUtf8TokenType_FaultedCarryingTheSessionToStore()
    {
        byte[] body = [.. "{\"access_token\":\"opaque-access\",\"token_type\":\"B"u8, 0xFC, .. "\",\"expires_in\":300,\"refresh_token\":\"r2\"}"u8];
        var sut = OAuth2(_ => Answer(200, body));

        var outcome = await sut.RefreshAsync(Existing(), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Kind, Is.EqualTo(RefreshOutcomeKind.Faulted), outcome.ToString());
            Assert.That(outcome.Session!.RefreshToken, Is.EqualTo("r2"));
        });
    }

    [Test]
    public async Task RefreshAsync_InvalidUtf8RefreshToken_AmbiguousAndNothingStored()
    {
        byte[] body = [.. "{\"access_token\":\"opaque-access\",\"token_type\":\"Bearer\",\"expires_in\":300,\"refresh_token\":\"r"u8, 0xFC, .. "\"}"u8];
        var sut = OAuth2(_ => Answer(200, body));

        var outcome = await sut.RefreshAsync(Existing(), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Kind, Is.EqualTo(RefreshOutcomeKind.Transient), outcome.ToString());
            Assert.That(outcome.IsAmbiguous, Is.True);
            Assert.That(outcome.Session, Is.Null);
        });
    }

    [Test]
    public async Task RefreshAsync_AnyTokenEndpointCall_AsksForTheBodyUncompressed()
    {
        // Without Accept-Encoding any content coding is acceptable (RFC 9110, 12.5.3): a server could answer compressed, and a
        // body the handler does not decode reads as an unusable answer, a lost rotation.
        var seen = new List<string>();
        var sut = OAuth2(request =>
        {
            seen.Add(request.Headers.AcceptEncoding.ToString());
            return Answer(200, Encoding.UTF8.GetBytes(Rotated));
        });

        var outcome = await sut.RefreshAsync(Existing(), CancellationToken.None);

        Assert.That(outcome.Kind, Is.EqualTo(RefreshOutcomeKind.Succeeded), outcome.ToString());
        Assert.That(seen, Is.EqualTo(new[] { "identity" }));
    }

    [TestCase("gzip")]
    [TestCase("br")]
    public async Task RefreshAsync_CompressedAnswerDespiteIdentity_AmbiguousNothingStoredNotThrown(string encoding)
    {
        var sut = OAuth2(_ => Encoded(200, Encoding.UTF8.GetBytes(Rotated), encoding));

        var outcome = await sut.RefreshAsync(Existing(), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Kind, Is.EqualTo(RefreshOutcomeKind.Transient), outcome.ToString());
            Assert.That(outcome.IsAmbiguous, Is.True);
            Assert.That(outcome.Session, Is.Null);
        });
    }

    [TestCase("gzip")]
    [TestCase("deflate")]
    [TestCase("br")]
    public async Task RefreshAsync_BodyDecodedButHeaderStillNamesTheEncoding_SucceedsWithTheNewRefreshToken(string encoding)
    {
        // In the browser, fetch decodes the body and still shows Content-Encoding: the JSON must be read as it is.
        var sut = OAuth2(_ =>
        {
            var answer = Answer(200, Encoding.UTF8.GetBytes(Rotated));
            answer.Content.Headers.ContentEncoding.Add(encoding);
            return answer;
        });

        var outcome = await sut.RefreshAsync(Existing(), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Kind, Is.EqualTo(RefreshOutcomeKind.Succeeded), outcome.ToString());
            Assert.That(outcome.Session!.RefreshToken, Is.EqualTo("r2"));
        });
    }

    [Test]
    public async Task RefreshAsync_ErrorEchoesClientSecret_Redacted()
    {
        const string Secret = "cs-SECRET-0123456789";
        using var mock = new MockHttpMessageHandler();
        mock.When(HttpMethod.Post, TokenUrl).Respond(HttpStatusCode.Unauthorized, "application/json", $$"""{"error":"invalid_client","error_description":"client secret {{Secret}} does not match"}""");
        var sut = new OAuth2TokenClient(mock.ToHttpClient(), new OAuth2Options { TokenEndpoint = new Uri(TokenUrl), ClientId = "app", ClientSecret = Secret }, new FakeTimeProvider());

        var outcome = await sut.RefreshAsync(Existing(), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Kind, Is.EqualTo(RefreshOutcomeKind.Faulted));
            Assert.That(outcome.Description, Does.Not.Contain("SECRET"));
            Assert.That(outcome.ToString(), Does.Not.Contain("SECRET"));
        });
    }

    [Test]
    public void SignInWithPasswordAsync_ErrorEchoesPassword_Redacted()
    {
        var sut = OAuth2(_ => Answer(400, """{"error":"invalid_grant","error_description":"password hunter2-secret is wrong for ada"}"""u8.ToArray()));

        var ex = Assert.ThrowsAsync<SessionSignInException>(() => sut.SignInWithPasswordAsync("ada", "hunter2-secret", CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.ErrorCode, Is.EqualTo("invalid_grant"));
            Assert.That(ex.ToString(), Does.Not.Contain("hunter2"));
        });
    }

    [TestCase(307)]
    [TestCase(308)]
    public async Task RefreshAsync_HttpClientFollowsRedirect_FaultedAndTheOtherHostsAnswerNotUsed(int status)
    {
        await using var other = await LoopbackServer.StartAsync((context, _) =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync(TestJwt.TokenBody("access-from-elsewhere", "rt-from-elsewhere"));
        });
        await using var tokenEndpoint = await LoopbackServer.StartAsync((context, _) => LoopbackServer.Redirect(context, status, new Uri(other.BaseAddress, "token").ToString()));
        using var redirecting = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = true });
        var sut = new OAuth2TokenClient(redirecting, new OAuth2Options { TokenEndpoint = new Uri(tokenEndpoint.BaseAddress, "token"), ClientId = "app" }, new FakeTimeProvider());

        var outcome = await sut.RefreshAsync(Existing(), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Kind, Is.EqualTo(RefreshOutcomeKind.Faulted), outcome.ToString());
            Assert.That(outcome.Session, Is.Null, "a session from another URL is never stored");
            Assert.That(outcome.Description, Does.Contain("AllowAutoRedirect"));
        });
    }

    [Test]
    public async Task RefreshAsync_HttpClientFollowsSameOriginRedirect_SucceedsWithTheRotatedToken()
    {
        await using var tokenEndpoint = await LoopbackServer.StartAsync((context, _) =>
        {
            if (context.Request.Path == "/token")
            {
                return LoopbackServer.Redirect(context, 308, "/token/");
            }

            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync(Rotated);
        });
        using var redirecting = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = true });
        var sut = new OAuth2TokenClient(redirecting, new OAuth2Options { TokenEndpoint = new Uri(tokenEndpoint.BaseAddress, "token"), ClientId = "app" }, new FakeTimeProvider());

        var outcome = await sut.RefreshAsync(Existing(), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Kind, Is.EqualTo(RefreshOutcomeKind.Succeeded), outcome.ToString());
            Assert.That(outcome.Session!.RefreshToken, Is.EqualTo("r2"), "the token server itself answered: its rotation is kept");
        });
    }

    private static Session Existing() => new() { AccessToken = "a1", RefreshToken = "r1", ExpiresAt = DateTimeOffset.UnixEpoch };

    private static OAuth2TokenClient OAuth2(Func<HttpRequestMessage, HttpResponseMessage> answer, int maxBody = 256 * 1024)
    {
        var mock = new MockHttpMessageHandler();
        mock.When(HttpMethod.Post, TokenUrl).Respond(answer);
        return new OAuth2TokenClient(mock.ToHttpClient(), new OAuth2Options { TokenEndpoint = new Uri(TokenUrl), ClientId = "app", MaxResponseBodyBytes = maxBody }, new FakeTimeProvider());
    }

    private static HttpResponseMessage Answer(int status, byte[] body, string contentType = "application/json")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return new HttpResponseMessage((HttpStatusCode)status) { Content = content };
    }

    private static HttpResponseMessage Encoded(int status, byte[] body, string encoding)
    {
        var buffer = new MemoryStream();
        using (Stream compressor = encoding switch
        {
            "gzip" => new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true),
            "deflate" => new ZLibStream(buffer, CompressionLevel.Fastest, leaveOpen: true),
            _ => new BrotliStream(buffer, CompressionLevel.Fastest, leaveOpen: true),
        })
        {
            compressor.Write(body);
        }

        var response = Answer(status, buffer.ToArray());
        response.Content.Headers.ContentEncoding.Add(encoding);
        return response;
    }
}
