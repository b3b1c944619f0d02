// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit;

/// <summary>Data of the <see cref="RefreshCoordinator.SessionEnded"/> event: the session was removed from the store.</summary>
public sealed class SessionEndedEventArgs : EventArgs
{
    /// <summary>Initializes a new instance of the <see cref="SessionEndedEventArgs"/> class.</summary>
    /// <param name="sessionKey">The session key.</param>
    /// <param name="reason">Why the session ended.</param>
    /// <param name="userId">The user, if known.</param>
    /// <param name="errorCode">The server's error code, if any.</param>
    public SessionEndedEventArgs(string sessionKey, SessionEndReason reason, string? userId, string? errorCode)
    {
        SessionKey = sessionKey;
        Reason = reason;
        UserId = userId;
        ErrorCode = errorCode;
    }

    /// <summary>Gets the session key.</summary>
    /// <value>The key the session was stored under.</value>
    public string SessionKey { get; }

    /// <summary>Gets why the session ended.</summary>
    /// <value>The reason.</value>
    public SessionEndReason Reason { get; }

    /// <summary>Gets the user whose session ended.</summary>
    /// <value>The user id, or <see langword="null"/>.</value>
    public string? UserId { get; }

    /// <summary>Gets the server's error code.</summary>
    /// <value>The code, such as <c>refresh_token_already_used</c>, or <see langword="null"/>.</value>
    public string? ErrorCode { get; }
}
