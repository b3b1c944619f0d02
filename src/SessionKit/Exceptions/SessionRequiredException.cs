// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit;

/// <summary>Thrown when a request needs a session and the store holds none for the key: the user must sign in.</summary>
public sealed class SessionRequiredException : SessionKitException
{
    /// <summary>Initializes a new instance of the <see cref="SessionRequiredException"/> class.</summary>
    public SessionRequiredException()
        : base("No session is stored; sign in first.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SessionRequiredException"/> class.</summary>
    /// <param name="message">The message.</param>
    public SessionRequiredException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SessionRequiredException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SessionRequiredException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
