// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit;

/// <summary>How a token endpoint answered a refresh.</summary>
public enum RefreshOutcomeKind
{
    /// <summary>A new session was issued.</summary>
    Succeeded = 0,

    /// <summary>The server refused the refresh token for good (already used, not found, session expired, <c>invalid_grant</c>, ...). The session is over unless another holder already rotated it.</summary>
    Rejected = 1,

    /// <summary>No usable answer (network error, timeout, 5xx, 429, 409, a gateway page, an unusable body). The response may have been lost after the server rotated: retry with the same refresh token.</summary>
    Transient = 2,

    /// <summary>The request itself was refused (<c>invalid_client</c>, <c>invalid_request</c>, <c>bad_json</c>, an unknown 4xx): a configuration error. Not retried, and the session is kept.</summary>
    Faulted = 3,
}
