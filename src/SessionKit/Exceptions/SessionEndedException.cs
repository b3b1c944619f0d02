// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit;

/// <summary>
/// Thrown when the session has ended: the server rejected its refresh token (for example because it was already used)
/// or the application signed out. The stored session has been replaced by its <see cref="SessionEnd"/> (tombstone); route
/// the user to sign-in.
/// </summary>
/// <remarks>Every holder of the store gets the same reason, user id, server code and description until the next sign-in.</remarks>
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

    /// <summary>Initializes a new instance of the <see cref="SessionEndedException"/> class from a store's tombstone.</summary>
    /// <param name="end">Why and when the session ended.</param>
    /// <exception cref="ArgumentNullException"><paramref name="end"/> is <see langword="null"/>.</exception>
    public SessionEndedException(SessionEnd end)
        : base(Describe(end ?? throw new ArgumentNullException(nameof(end))))
    {
        Reason = end.Reason;
        UserId = end.UserId;
        ErrorCode = end.ErrorCode;
        ErrorDescription = end.ErrorDescription;
        EndedAt = end.EndedAt;
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

    /// <summary>Gets the server's description of the error, free of tokens and cut to a few hundred characters.</summary>
    /// <value>The description (for example "Invalid Refresh Token: Already Used"), or <see langword="null"/>.</value>
    public string? ErrorDescription { get; }

    /// <summary>Gets when the session ended.</summary>
    /// <value>The instant, or <see langword="null"/> when unknown.</value>
    public DateTimeOffset? EndedAt { get; }

    private static string Describe(SessionEnd end)
    {
        var code = end.ErrorCode is null ? string.Empty : $", server code '{end.ErrorCode}'";
        var description = end.ErrorDescription is null ? string.Empty : $": {end.ErrorDescription}";
        return $"The session has ended ({end.Reason}{code}){description}; sign in again.";
    }
}
