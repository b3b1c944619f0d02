// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit;

/// <summary>The base of every failure SessionKit reports. Messages and properties never carry token material.</summary>
public abstract class SessionKitException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="SessionKitException"/> class.</summary>
    protected SessionKitException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SessionKitException"/> class.</summary>
    /// <param name="message">The message.</param>
    protected SessionKitException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SessionKitException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    protected SessionKitException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the key of the session concerned.</summary>
    /// <value>The session key, or <see langword="null"/> when unknown.</value>
    public string? SessionKey { get; init; }
}
