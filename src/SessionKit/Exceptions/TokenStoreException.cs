// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit;

/// <summary>
/// Thrown when a persistent store cannot give back or keep its session: the file is corrupt, was written with another key, was
/// copied from another machine or user account, or cannot be read or written (<see cref="IsTransient"/>). The message says what
/// to do; no token material is included.
/// </summary>
public sealed class TokenStoreException : SessionKitException
{
    private readonly bool _isTransient;

    /// <summary>Initializes a new instance of the <see cref="TokenStoreException"/> class.</summary>
    public TokenStoreException()
        : base("The session store could not be read.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TokenStoreException"/> class.</summary>
    /// <param name="message">The message.</param>
    public TokenStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TokenStoreException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public TokenStoreException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TokenStoreException"/> class.</summary>
    /// <param name="problem">What is wrong.</param>
    /// <param name="filePath">The store file.</param>
    /// <param name="keptAsidePath">Where the unusable file was moved for inspection, if it was.</param>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public TokenStoreException(TokenStoreProblem problem, string filePath, string? keptAsidePath, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Problem = problem;
        FilePath = filePath;
        KeptAsidePath = keptAsidePath;
    }

    /// <summary>Gets what is wrong with the store.</summary>
    /// <value>The problem; <see cref="TokenStoreProblem.Unreadable"/> when not given.</value>
    public TokenStoreProblem Problem { get; } = TokenStoreProblem.Unreadable;

    /// <summary>
    /// Gets a value indicating whether the failure is in the file system or the store's backend rather than in the stored data
    /// (a full disk, a read-only mount, a lock held too long, an I/O error, an unreachable server): trying again later may
    /// succeed, and nothing was signed out.
    /// </summary>
    /// <value>
    /// <see langword="true"/> for <see cref="TokenStoreProblem.Unavailable"/> or when the store says so; <see langword="false"/>
    /// for a corrupt, wrong-key or copied file.
    /// </value>
    public bool IsTransient
    {
        get => _isTransient || Problem == TokenStoreProblem.Unavailable;
        init => _isTransient = value;
    }

    /// <summary>Gets the store file concerned (for a server store such as Redis: the key of the entry).</summary>
    /// <value>The path or key, or <see langword="null"/>.</value>
    public string? FilePath { get; }

    /// <summary>Gets where the unusable file was moved for inspection.</summary>
    /// <value>The path (or key), or <see langword="null"/> when the file was left in place (for example when it cannot be read at all).</value>
    public string? KeptAsidePath { get; }
}
