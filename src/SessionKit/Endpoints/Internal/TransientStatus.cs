// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Internal;

/// <summary>The one home of the transient HTTP status set: 408, 409, 425, 429 and 5xx.</summary>
internal static class TransientStatus
{
    /// <summary>Returns whether a token endpoint answering <paramref name="status"/> may succeed when asked again.</summary>
    /// <param name="status">The HTTP status code.</param>
    /// <returns><see langword="true"/> for 408, 409, 425, 429 and every 5xx.</returns>
    public static bool Is(int status) => status is 408 or 409 or 425 or 429 or >= 500;
}
