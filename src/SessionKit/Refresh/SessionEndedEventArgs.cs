// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit;

/// <summary>
/// Data of the <see cref="RefreshCoordinator.SessionEnded"/> event: the session was replaced by its tombstone in the store.
/// Raised once per end by each coordinator that shares the store.
/// </summary>
public sealed class SessionEndedEventArgs : EventArgs
{
    /// <summary>Initializes a new instance of the <see cref="SessionEndedEventArgs"/> class.</summary>
    /// <param name="sessionKey">The session key.</param>
    /// <param name="end">Why and when the session ended.</param>
    /// <exception cref="ArgumentNullException"><paramref name="sessionKey"/> or <paramref name="end"/> is <see langword="null"/>.</exception>
    public SessionEndedEventArgs(string sessionKey, SessionEnd end)
    {
        ArgumentNullException.ThrowIfNull(sessionKey);
        ArgumentNullException.ThrowIfNull(end);
        SessionKey = sessionKey;
        End = end;
    }

    /// <summary>Gets the session key.</summary>
    /// <value>The key the session was stored under.</value>
    public string SessionKey { get; }

    /// <summary>Gets the tombstone: why and when the session ended.</summary>
    /// <value>The end, as stored.</value>
    public SessionEnd End { get; }

    /// <summary>Gets why the session ended.</summary>
    /// <value>The reason.</value>
    public SessionEndReason Reason => End.Reason;

    /// <summary>Gets the user whose session ended.</summary>
    /// <value>The user id, or <see langword="null"/>.</value>
    public string? UserId => End.UserId;

    /// <summary>Gets the server's error code.</summary>
    /// <value>The code, such as <c>refresh_token_already_used</c>, or <see langword="null"/>.</value>
    public string? ErrorCode => End.ErrorCode;

    /// <summary>Gets the server's description of the error, free of tokens.</summary>
    /// <value>The description, or <see langword="null"/>.</value>
    public string? ErrorDescription => End.ErrorDescription;
}
