// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Testing;

/// <summary>Tokens a <see cref="GoTrueTestServer"/> issued directly (see <see cref="GoTrueTestServer.IssueSession"/>), as a sign-in would have returned them.</summary>
/// <param name="AccessToken">The access token (a signed JWT).</param>
/// <param name="RefreshToken">The refresh token.</param>
/// <param name="ExpiresIn">The access-token lifetime.</param>
/// <param name="UserId">The user id (<c>sub</c>).</param>
/// <param name="SessionId">The server-side session id (<c>session_id</c>).</param>
public sealed record IssuedTokens(string AccessToken, string RefreshToken, TimeSpan ExpiresIn, string UserId, string SessionId)
{
    /// <summary>Describes the tokens without their values.</summary>
    /// <returns>The user and session ids.</returns>
    public override string ToString() => $"IssuedTokens {{ UserId = {UserId}, SessionId = {SessionId} }}";
}
