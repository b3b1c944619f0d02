// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit;

/// <summary>
/// Thrown when the session has ended: the server rejected its refresh token (for example because it was already used)
/// or the application signed out. The stored session has been removed; route the user to sign-in.
/// </summary>
public sealed class SessionEndedException : SessionKitException
{
    /// <summary>Initializes a new instance of the <see cref="SessionEndedException"/> class.</summary>
    public SessionEndedException()
        : base("The session has ended; sign in again.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SessionEndedException"/> class.</summary>
    /// <param name="message">The message.</param>
    public SessionEndedException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SessionEndedException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SessionEndedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SessionEndedException"/> class.</summary>
    /// <param name="reason">Why the session ended.</param>
    /// <param name="userId">The user whose session ended, if known.</param>
    /// <param name="errorCode">The server's error code, if any.</param>
    public SessionEndedException(SessionEndReason reason, string? userId, string? errorCode)
        : base($"The session has ended ({reason}{(errorCode is null ? string.Empty : ", server code '" + errorCode + "'")}); sign in again.")
    {
        Reason = reason;
        UserId = userId;
        ErrorCode = errorCode;
    }

    /// <summary>Gets why the session ended.</summary>
    /// <value>The reason; <see cref="SessionEndReason.SignedOut"/> when not given.</value>
    public SessionEndReason Reason { get; } = SessionEndReason.SignedOut;

    /// <summary>Gets the user whose session ended.</summary>
    /// <value>The user id, or <see langword="null"/> when unknown.</value>
    public string? UserId { get; }

    /// <summary>Gets the server's error code, such as <c>refresh_token_already_used</c> or <c>invalid_grant</c>.</summary>
    /// <value>The code, or <see langword="null"/>.</value>
    public string? ErrorCode { get; }
}
