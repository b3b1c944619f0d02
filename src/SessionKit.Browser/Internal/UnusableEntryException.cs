// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Browser.Internal;

/// <summary>A web-storage entry that cannot be used as a session of its key: why, and which <see cref="TokenStoreProblem"/> it is.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1064:Exceptions should be public", Justification = "Never escapes the store: it becomes a TokenStoreException.")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1032:Implement standard exception constructors", Justification = "Internal; always built with a problem.")]
internal sealed class UnusableEntryException : Exception
{
    public UnusableEntryException(TokenStoreProblem problem, string why, Exception? innerException = null)
        : base(why, innerException)
    {
        Problem = problem;
    }

    public TokenStoreProblem Problem { get; }
}
