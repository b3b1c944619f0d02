// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Tests.OAuth2;

/// <summary>An OAuth 2.0 server a test runs in-process: the <see cref="Testing.OAuth2TestServer"/> double or a real OpenIddict server.</summary>
internal interface IOAuth2Target : IAsyncDisposable
{
    /// <summary>Gets whether a second use of a refresh token revokes the grant at once (no leeway).</summary>
    bool Strict { get; }

    Uri TokenEndpoint { get; }

    Uri RevocationEndpoint { get; }

    Uri ApiUrl { get; }

    string ClientId { get; }

    string? ClientSecret { get; }

    string Scope { get; }

    string UserName { get; }

    string Password { get; }

    /// <summary>Gets the user's id, the <c>sub</c> of the ID tokens the server issues.</summary>
    string UserId { get; }

    /// <summary>Gets the number of refresh-grant requests the server received.</summary>
    long RefreshCalls { get; }

    /// <summary>Gets the largest number of refresh-grant requests the server processed at once.</summary>
    int MaxConcurrentRefreshes { get; }
}
