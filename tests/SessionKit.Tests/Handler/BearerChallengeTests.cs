// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using SessionKit.Internal;

namespace SessionKit.Tests.Handler;

/// <summary>Parsing of <c>WWW-Authenticate</c> challenges: when a 401 is about the token (worth a refresh) and when it is not.</summary>
[TestFixture]
public sealed class BearerChallengeTests
{
    [TestCase(null, true, TestName = "InvitesRefresh_NoChallenge_True")]
    [TestCase("Bearer", true, TestName = "InvitesRefresh_BareBearer_True")]
    [TestCase("Bearer realm=\"api\"", true, TestName = "InvitesRefresh_BearerWithoutErrorCode_True")]
    [TestCase("Bearer error=\"invalid_token\", error_description=\"The token expired\"", true, TestName = "InvitesRefresh_InvalidToken_True")]
    [TestCase("bearer ERROR=invalid_token", true, TestName = "InvitesRefresh_UnquotedCaseInsensitiveNames_True")]
    [TestCase("Bearer error=\"insufficient_scope\", scope=\"orders:write\"", false, TestName = "InvitesRefresh_InsufficientScope_False")]
    [TestCase("Bearer realm=\"a, error=invalid_token\", error=\"insufficient_scope\"", false, TestName = "InvitesRefresh_CommaAndCodeInsideQuotedValue_NotMistakenForParams")]
    [TestCase("Bearer error_description=\"say \\\"error=invalid_token\\\"\", error=\"insufficient_scope\"", false, TestName = "InvitesRefresh_EscapedQuotes_Handled")]
    [TestCase("Bearer error=\"invalid_request\"", false, TestName = "InvitesRefresh_InvalidRequest_False")]
    [TestCase("Basic realm=\"x\", Bearer error=\"insufficient_scope\"", false, TestName = "InvitesRefresh_OtherSchemeThenInsufficientScope_False")]
    [TestCase("Bearer error=\"insufficient_scope\", Basic realm=\"x\"", false, TestName = "InvitesRefresh_InsufficientScopeThenOtherScheme_False")]
    [TestCase("Negotiate YWJjZA==, Bearer error=\"invalid_token\"", true, TestName = "InvitesRefresh_Token68SchemeThenInvalidToken_True")]
    [TestCase("Basic realm=\"x\"", true, TestName = "InvitesRefresh_OnlyOtherSchemes_True")]
    [TestCase("DPoP error=\"insufficient_scope\", Bearer", true, TestName = "InvitesRefresh_OtherSchemesErrorIgnored_True")]
    [TestCase("Bearer error=\"insufficient_scope\"|Bearer error=\"invalid_token\"", true, TestName = "InvitesRefresh_SeveralHeadersOneInvalidToken_True")]
    [TestCase("Bearer error=\"insufficient_scope\"|Basic", false, TestName = "InvitesRefresh_SeveralHeadersOnlyScope_False")]
    [TestCase(",,  ,Bearer  ,  error = \"insufficient_scope\" ,", false, TestName = "InvitesRefresh_ExtraCommasAndSpaces_Parsed")]
    public void InvitesRefresh(string? headers, bool expected)
    {
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.Unauthorized);
        foreach (var header in headers?.Split('|') ?? [])
        {
            response.Headers.TryAddWithoutValidation("WWW-Authenticate", header);
        }

        Assert.That(BearerChallenge.InvitesRefresh(response.Headers, out _), Is.EqualTo(expected));
    }
}
