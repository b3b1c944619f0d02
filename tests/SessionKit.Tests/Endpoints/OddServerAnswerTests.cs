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
