// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit;

/// <summary>Data of the <see cref="RefreshCoordinator.SessionRefreshed"/> event: a rotated session was stored.</summary>
public sealed class SessionRefreshedEventArgs : EventArgs
{
    /// <summary>Initializes a new instance of the <see cref="SessionRefreshedEventArgs"/> class.</summary>
    /// <param name="sessionKey">The session key.</param>
    /// <param name="session">The stored session.</param>
    public SessionRefreshedEventArgs(string sessionKey, Session session)
    {
        SessionKey = sessionKey;
        Session = session;
    }

    /// <summary>Gets the session key.</summary>
    /// <value>The key the session is stored under.</value>
    public string SessionKey { get; }

    /// <summary>Gets the new session, already stored.</summary>
    /// <value>The session.</value>
    public Session Session { get; }
}
