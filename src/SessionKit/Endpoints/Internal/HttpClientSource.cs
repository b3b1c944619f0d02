// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Internal;

/// <summary>How token-endpoint clients get their <see cref="HttpClient"/>: a fixed one given by the app, or one per call from the factory.</summary>
internal static class HttpClientSource
{
    /// <exception cref="ArgumentNullException"><paramref name="httpClient"/> is <see langword="null"/>.</exception>
    public static Func<HttpClient> Fixed(HttpClient httpClient)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        return () => httpClient;
    }
}
