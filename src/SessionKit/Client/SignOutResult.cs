// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit;

/// <summary>What <see cref="SessionClient.SignOutAsync(CancellationToken)"/> achieved at the server. The local sign-out always happens.</summary>
/// <remarks>Never carries token material. Immutable and thread-safe.</remarks>
public sealed class SignOutResult
{
    internal SignOutResult(bool serverConfirmed, string? problem)
    {
        ServerConfirmed = serverConfirmed;
        Problem = problem;
    }

    /// <summary>
    /// Gets a value indicating whether the server confirmed that the session ended there (GoTrue <c>/logout</c>, OAuth 2.0
    /// revocation), or had already ended it (it rejected the refresh token).
    /// </summary>
    /// <value><see langword="false"/> when the sign-out was local only: see <see cref="Problem"/>.</value>
    public bool ServerConfirmed { get; }

    /// <summary>Gets why the server did not confirm the sign-out, or a note on how it was confirmed.</summary>
    /// <value>
    /// For example "no session was stored", "the server client has no server-side sign-out", "the access token had expired and
    /// could not be refreshed first: ...", "the server did not confirm the sign-out"; <see langword="null"/> when the server
    /// confirmed it plainly.
    /// </value>
    public string? Problem { get; }

    /// <summary>Describes the result.</summary>
    /// <returns>Whether the server confirmed, and why not.</returns>
    public override string ToString() =>
        ServerConfirmed ? "Signed out at the server and locally" + (Problem is null ? string.Empty : " (" + Problem + ")") : "Signed out locally only: " + Problem;
}
