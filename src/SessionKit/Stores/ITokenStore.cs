// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit;

/// <summary>
/// Holds sessions by key and replaces them atomically. The single source of truth for tokens: the handler reads from it,
/// and the refresh coordinator writes each rotated session to it before anyone else sees it.
/// </summary>
/// <remarks>
/// <para>
/// Implementations must be safe for concurrent use. <see cref="TryReplaceAsync"/> is a compare-and-swap: it succeeds only
/// when the stored session still matches <c>expected</c> (same <see cref="Session.Version"/> and the same tokens).
/// </para>
/// <para>
/// <see cref="GetAsync"/> is on the hot path of every request: an in-process implementation should complete synchronously
/// and without allocating.
/// </para>
/// </remarks>
public interface ITokenStore
{
    /// <summary>Reads the session stored under <paramref name="key"/>.</summary>
    /// <param name="key">The session key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The session, or <see langword="null"/> when none is stored.</returns>
    ValueTask<Session?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="session"/> under <paramref name="key"/> unconditionally (after a sign-in).</summary>
    /// <param name="key">The session key.</param>
    /// <param name="session">The session to store.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the session is stored.</returns>
    ValueTask SetAsync(string key, Session session, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the stored session with <paramref name="replacement"/>, or removes it when <paramref name="replacement"/> is
    /// <see langword="null"/>, only if the stored session still matches <paramref name="expected"/>.
    /// </summary>
    /// <param name="key">The session key.</param>
    /// <param name="expected">The session the caller based its change on; <see langword="null"/> means "nothing stored".</param>
    /// <param name="replacement">The new session, or <see langword="null"/> to remove.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="true"/> when the swap happened; <see langword="false"/> when the stored session had changed.</returns>
    ValueTask<bool> TryReplaceAsync(string key, Session? expected, Session? replacement, CancellationToken cancellationToken);

    /// <summary>Removes the session stored under <paramref name="key"/>, whatever it is.</summary>
    /// <param name="key">The session key.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the session is removed.</returns>
    ValueTask RemoveAsync(string key, CancellationToken cancellationToken);
}
