// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Internal;

/// <summary>Default values of the handler's redirect options.</summary>
internal static class HandlerDefaults
{
    /// <summary>The most redirects one request follows, as <see cref="HttpClientHandler.MaxAutomaticRedirections"/>.</summary>
    public const int MaxRedirects = 50;
}
