// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit;

/// <summary>A token endpoint that supports the resource-owner password grant (GoTrue <c>grant_type=password</c>, OAuth 2.0 ROPC).</summary>
public interface IPasswordSignInClient
{
    /// <summary>Signs in with a user name (or email) and password.</summary>
    /// <param name="userName">The user name or email address.</param>
    /// <param name="password">The password. It is sent only in the request body and never logged.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new session.</returns>
    /// <exception cref="SessionSignInException">The server refused the credentials or could not be reached.</exception>
    Task<Session> SignInWithPasswordAsync(string userName, string password, CancellationToken cancellationToken);
}
