// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit;

/// <summary>Per-request session selection for handlers configured with <see cref="SessionHandlerOptions.SessionKeySelector"/>.</summary>
public static class SessionRequestExtensions
{
    private static readonly HttpRequestOptionsKey<string> SessionKeyOption = new("SessionKit.SessionKey");

    /// <summary>Marks <paramref name="request"/> to be sent with the session stored under <paramref name="sessionKey"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="sessionKey">The session key, for example a user id.</param>
    /// <returns>The same request, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> or <paramref name="sessionKey"/> is <see langword="null"/>.</exception>
    public static HttpRequestMessage SetSessionKey(this HttpRequestMessage request, string sessionKey)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(sessionKey);
        request.Options.Set(SessionKeyOption, sessionKey);
        return request;
    }

    /// <summary>Returns the session key set by <see cref="SetSessionKey"/>.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The key, or <see langword="null"/> when none was set.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    public static string? GetSessionKey(this HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Options.TryGetValue(SessionKeyOption, out var key) ? key : null;
    }
}
