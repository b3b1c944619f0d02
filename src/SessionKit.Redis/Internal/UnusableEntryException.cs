// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Redis.Internal;

/// <summary>An entry that cannot be used. Raised while decoding and turned into a <see cref="TokenStoreException"/> by the store.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1064:Exceptions should be public", Justification = "Never escapes the store: it becomes a TokenStoreException.")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1032:Implement standard exception constructors", Justification = "Internal; always built with a problem.")]
internal sealed class UnusableEntryException : Exception
{
    public UnusableEntryException(TokenStoreProblem problem, string why, Exception? inner = null)
        : base(why, inner)
    {
        Problem = problem;
    }

    public TokenStoreProblem Problem { get; }
}
