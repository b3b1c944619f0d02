// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit;

/// <summary>A server that can end a session on its side (GoTrue <c>/logout</c>, OAuth 2.0 token revocation, RFC 7009).</summary>
public interface ISignOutClient
{
    /// <summary>Asks the server to end <paramref name="session"/>.</summary>
    /// <param name="session">The session to end.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when the server confirmed; <see langword="false"/> when it could not be reached or refused (the local sign-out happens anyway).</returns>
    Task<bool> SignOutAsync(Session session, CancellationToken cancellationToken);
}
