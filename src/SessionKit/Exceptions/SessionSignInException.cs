// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit;

/// <summary>Thrown when a sign-in (password grant) fails. The message carries the server's error code and description, never the credentials.</summary>
public sealed class SessionSignInException : SessionKitException
{
    /// <summary>Initializes a new instance of the <see cref="SessionSignInException"/> class.</summary>
    public SessionSignInException()
        : base("Sign-in failed.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SessionSignInException"/> class.</summary>
    /// <param name="message">The message.</param>
    public SessionSignInException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SessionSignInException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SessionSignInException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the HTTP status code of the answer.</summary>
    /// <value>The status code, or <see langword="null"/> when no answer arrived.</value>
    public int? StatusCode { get; init; }

    /// <summary>Gets the server's error code, such as <c>invalid_credentials</c> or <c>invalid_grant</c>.</summary>
    /// <value>The code, or <see langword="null"/>.</value>
    public string? ErrorCode { get; init; }
}
