// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Testing;

/// <summary>Tokens an <see cref="OAuth2TestServer"/> issued directly (see <see cref="OAuth2TestServer.IssueTokens"/>), as a sign-in would have returned them.</summary>
/// <param name="AccessToken">The access token (opaque).</param>
/// <param name="RefreshToken">The refresh token.</param>
/// <param name="ExpiresIn">The access-token lifetime.</param>
/// <param name="IdToken">The OpenID Connect ID token, when <see cref="OAuth2TestServerOptions.IssueIdToken"/> is set.</param>
/// <param name="UserId">The user id (the ID token's <c>sub</c>).</param>
/// <param name="GrantId">The grant (token family) the tokens belong to.</param>
public sealed record OAuth2IssuedTokens(string AccessToken, string RefreshToken, TimeSpan ExpiresIn, string? IdToken, string UserId, string GrantId)
{
    /// <summary>Describes the tokens without their values.</summary>
    /// <returns>The user and grant ids.</returns>
    public override string ToString() => $"OAuth2IssuedTokens {{ UserId = {UserId}, GrantId = {GrantId} }}";
}
