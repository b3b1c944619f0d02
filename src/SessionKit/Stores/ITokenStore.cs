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
/// <para>
/// A key holds a session, a <see cref="SessionEnd"/> (a tombstone: why and when its session ended), or nothing. The tombstone
/// is written atomically in place of the session by <see cref="TryEndAsync"/> and stays until the next
/// <see cref="SetAsync"/> (a sign-in) or <see cref="RemoveAsync"/>, so that every holder of the store sees the end with its
/// reason. A store may bound how many tombstones it keeps (document the bound); losing a tombstone only turns a later
/// <see cref="SessionEndedException"/> into a <see cref="SessionRequiredException"/>.
/// </para>
/// <para>
/// Trouble in the store itself (a full disk, an unreachable server, a locked file) surfaces as <see cref="TokenStoreException"/>
/// and never as a missing session: a store must not answer <see langword="null"/> for a session it could not read.
/// </para>
/// </remarks>
public interface ITokenStore
{
    /// <summary>Reads the session stored under <paramref name="key"/>.</summary>
    /// <param name="key">The session key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The session, or <see langword="null"/> when none is stored.</returns>
    ValueTask<Session?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Reads the tombstone stored under <paramref name="key"/>: why and when its session ended. Called only when
    /// <see cref="GetAsync"/> found no session (never on the hot path).
    /// </summary>
    /// <param name="key">The session key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The end, or <see langword="null"/> when the key holds a session, or nothing.</returns>
    ValueTask<SessionEnd?> GetEndAsync(string key, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="session"/> under <paramref name="key"/> unconditionally (after a sign-in), replacing a session or a tombstone.</summary>
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
    /// <param name="expected">The session the caller based its change on; <see langword="null"/> means "no session stored" (nothing, or a tombstone).</param>
    /// <param name="replacement">The new session (which also replaces a tombstone), or <see langword="null"/> to remove.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="true"/> when the swap happened; <see langword="false"/> when the stored session had changed.</returns>
    ValueTask<bool> TryReplaceAsync(string key, Session? expected, Session? replacement, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the stored session with the tombstone <paramref name="end"/>, only if the stored session still matches
    /// <paramref name="expected"/> (same <see cref="Session.Version"/> and tokens).
    /// </summary>
    /// <param name="key">The session key.</param>
    /// <param name="expected">The session that ended.</param>
    /// <param name="end">Why and when it ended.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="true"/> when the session was replaced by the tombstone; <see langword="false"/> when the stored session had changed or was gone.</returns>
    ValueTask<bool> TryEndAsync(string key, Session expected, SessionEnd end, CancellationToken cancellationToken);

    /// <summary>Removes the session or tombstone stored under <paramref name="key"/>, whatever it is.</summary>
    /// <param name="key">The session key.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the session is removed.</returns>
    ValueTask RemoveAsync(string key, CancellationToken cancellationToken);
}
