// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Globalization;

namespace SessionKit;

/// <summary>
/// Why and when a session ended: the tombstone a store keeps in place of the session until the next sign-in, so that every
/// holder of the store (other coordinators, processes or instances) learns of the end with its reason, once each.
/// </summary>
/// <remarks>
/// <para>
/// Written by the <see cref="RefreshCoordinator"/> through <see cref="ITokenStore.TryEndAsync"/> when the server rejects the
/// refresh token or the application signs out; replaced by the next <see cref="ITokenStore.SetAsync"/> of the key.
/// </para>
/// <para>
/// Holds no token material. <see cref="UserId"/> is personal data: <see cref="ToString"/> leaves it out. Immutable and
/// thread-safe.
/// </para>
/// </remarks>
public sealed class SessionEnd
{
    /// <summary>Gets why the session ended.</summary>
    /// <value>The reason.</value>
    public required SessionEndReason Reason { get; init; }

    /// <summary>Gets the user whose session ended.</summary>
    /// <value>The user id, or <see langword="null"/> when unknown.</value>
    public string? UserId { get; init; }

    /// <summary>Gets the server's error code, such as <c>refresh_token_already_used</c> or <c>invalid_grant</c>.</summary>
    /// <value>The code, or <see langword="null"/> (a sign-out has none).</value>
    public string? ErrorCode { get; init; }

    /// <summary>Gets the server's description of the error, with any token removed and cut to a few hundred characters.</summary>
    /// <value>The description, or <see langword="null"/>.</value>
    public string? ErrorDescription { get; init; }

    /// <summary>Gets when the session ended, by the clock of the holder that ended it.</summary>
    /// <value>The instant.</value>
    public required DateTimeOffset EndedAt { get; init; }

    /// <summary>Gets the unique id of this end, which lets each holder report it once.</summary>
    /// <value>A random string; two ends never share one.</value>
    public required string Id { get; init; }

    /// <summary>Creates an end with a new unique <see cref="Id"/>.</summary>
    /// <param name="reason">Why the session ended.</param>
    /// <param name="endedAt">When it ended.</param>
    /// <param name="userId">The user, if known.</param>
    /// <param name="errorCode">The server's error code, if any.</param>
    /// <param name="errorDescription">The server's description, already free of tokens, if any.</param>
    /// <returns>The end.</returns>
    public static SessionEnd Create(SessionEndReason reason, DateTimeOffset endedAt, string? userId = null, string? errorCode = null, string? errorDescription = null) => new()
    {
        Reason = reason,
        EndedAt = endedAt,
        UserId = userId,
        ErrorCode = errorCode,
        ErrorDescription = errorDescription,
        Id = Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture),
    };

    /// <summary>Returns a description of the end without the user id.</summary>
    /// <returns>The reason, server code and time.</returns>
    public override string ToString() =>
        $"SessionEnd {{ Reason = {Reason}, ErrorCode = {ErrorCode ?? "(none)"}, EndedAt = {EndedAt:O} }}";
}
