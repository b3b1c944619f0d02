// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit;

/// <summary>
/// Thrown when a refresh failed without ending the session: the token endpoint was unreachable, overloaded or answered
/// something unusable (<see cref="IsTransient"/>), or the request was refused as malformed or unauthorized, which points at
/// a configuration error. The stored session is kept; a later attempt sends the same refresh token.
/// </summary>
public sealed class SessionRefreshException : SessionKitException
{
    /// <summary>Initializes a new instance of the <see cref="SessionRefreshException"/> class.</summary>
    public SessionRefreshException()
        : base("The session could not be refreshed.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SessionRefreshException"/> class.</summary>
    /// <param name="message">The message.</param>
    public SessionRefreshException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SessionRefreshException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SessionRefreshException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets a value indicating whether the failure is transient (network, timeout, 5xx, 429, 409, unusable body): retrying later may succeed.</summary>
    /// <value><see langword="false"/> for a configuration error such as <c>invalid_client</c> or <c>bad_json</c>.</value>
    public bool IsTransient { get; init; }

    /// <summary>Gets the HTTP status code of the last answer from the token endpoint.</summary>
    /// <value>The status code, or <see langword="null"/> when no answer arrived.</value>
    public int? StatusCode { get; init; }

    /// <summary>Gets how long to wait before refreshing again: the server's <c>Retry-After</c>, or the rest of an open circuit's break.</summary>
    /// <value>The delay, or <see langword="null"/> when unknown.</value>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Gets the server's error code, if it sent one.</summary>
    /// <value>The code, or <see langword="null"/>.</value>
    public string? ErrorCode { get; init; }
}
