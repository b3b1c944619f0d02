// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Internal;

/// <summary>
/// A store file that cannot be used. Raised while reading and turned into a <see cref="TokenStoreException"/> only under the
/// store's write lock, where the bad file can be moved aside without racing a writer that just replaced it with a good one.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1064:Exceptions should be public", Justification = "Never escapes the store: it becomes a TokenStoreException.")]
internal sealed class UnusableStoreFileException : Exception
{
    public UnusableStoreFileException()
    {
    }

    public UnusableStoreFileException(string message)
        : base(message)
    {
    }

    public UnusableStoreFileException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public UnusableStoreFileException(TokenStoreProblem problem, string what, string todo, Exception? innerException)
        : base(what, innerException)
    {
        Problem = problem;
        Todo = todo;
    }

    public TokenStoreProblem Problem { get; }

    public string Todo { get; } = string.Empty;
}
