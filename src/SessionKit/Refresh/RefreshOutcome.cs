// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit;

/// <summary>
/// What one call to a token endpoint came to: <see cref="RefreshOutcomeKind.Succeeded"/> with a session,
/// <see cref="RefreshOutcomeKind.Rejected"/> with a reason, <see cref="RefreshOutcomeKind.Transient"/> or
/// <see cref="RefreshOutcomeKind.Faulted"/> with a description.
/// </summary>
/// <remarks>Produced by <see cref="ITokenRefresher"/> implementations; consumed by <see cref="RefreshCoordinator"/>. Never carries token material outside <see cref="Session"/>.</remarks>
public sealed class RefreshOutcome
{
    private RefreshOutcome(RefreshOutcomeKind kind)
    {
        Kind = kind;
    }

    /// <summary>Gets the kind of outcome.</summary>
    /// <value>One of <see cref="RefreshOutcomeKind"/>.</value>
    public RefreshOutcomeKind Kind { get; }

    /// <summary>Gets the session issued by the server.</summary>
    /// <value>
    /// Always non-null for <see cref="RefreshOutcomeKind.Succeeded"/>; its <see cref="Session.RefreshToken"/> is <see langword="null"/>
    /// when the server issued none (the old one is kept). Non-null for <see cref="RefreshOutcomeKind.Transient"/> or
    /// <see cref="RefreshOutcomeKind.Faulted"/> when the server rotated the refresh token in an answer that is otherwise unusable
    /// (a token type other than bearer, an unusable access token): the coordinator stores it first, then reports the failure,
    /// and never resends the old refresh token.
    /// </value>
    public Session? Session { get; private init; }

    /// <summary>
    /// Gets a value indicating whether a <see cref="RefreshOutcomeKind.Transient"/> failure is ambiguous: the request may have
    /// reached the server and rotated the refresh token, but no usable answer arrived (a timeout, a connection reset after the
    /// request was sent, a success answer without a readable refresh token).
    /// </summary>
    /// <value>
    /// <see langword="false"/> when the server certainly did not rotate (nothing was sent, or it answered 5xx or 429). After an
    /// ambiguous failure the coordinator resends the same refresh token only to a server that forgives it
    /// (<see cref="ITokenRefresher.RefreshTokenReuseWindow"/>).
    /// </value>
    public bool IsAmbiguous { get; private init; }

    /// <summary>Gets why the server rejected the refresh token.</summary>
    /// <value>Meaningful only for <see cref="RefreshOutcomeKind.Rejected"/>.</value>
    public SessionEndReason Reason { get; private init; }

    /// <summary>Gets the server's error code.</summary>
    /// <value>The code, such as <c>refresh_token_already_used</c>, or <see langword="null"/>.</value>
    public string? ErrorCode { get; private init; }

    /// <summary>Gets the HTTP status code of the answer.</summary>
    /// <value>The status, or <see langword="null"/> when no answer arrived.</value>
    public int? StatusCode { get; private init; }

    /// <summary>Gets a short description of a failure, free of token material.</summary>
    /// <value>The description, or <see langword="null"/> on success.</value>
    public string? Description { get; private init; }

    /// <summary>Gets the exception behind a transient failure.</summary>
    /// <value>The exception, or <see langword="null"/>.</value>
    public Exception? Exception { get; private init; }

    /// <summary>Gets how long the server asked the client to wait (<c>Retry-After</c>).</summary>
    /// <value>The delay, or <see langword="null"/>.</value>
    public TimeSpan? RetryAfter { get; private init; }

    /// <summary>Creates a <see cref="RefreshOutcomeKind.Succeeded"/> outcome.</summary>
    /// <param name="session">The session the server issued.</param>
    /// <param name="warning">Something odd about an answer that was still usable (for example <c>expires_in: 0</c>), logged as a warning; never token material.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="session"/> is <see langword="null"/>.</exception>
    public static RefreshOutcome Succeeded(Session session, string? warning = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        return new(RefreshOutcomeKind.Succeeded) { Session = session, StatusCode = 200, Description = warning };
    }

    /// <summary>Creates a <see cref="RefreshOutcomeKind.Rejected"/> outcome.</summary>
    /// <param name="reason">Why the refresh token was refused.</param>
    /// <param name="errorCode">The server's error code.</param>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="description">The server's message (never token material).</param>
    /// <returns>The outcome.</returns>
    public static RefreshOutcome Rejected(SessionEndReason reason, string? errorCode, int? statusCode, string? description) =>
        new(RefreshOutcomeKind.Rejected) { Reason = reason, ErrorCode = errorCode, StatusCode = statusCode, Description = description };

    /// <summary>Creates a <see cref="RefreshOutcomeKind.Transient"/> outcome.</summary>
    /// <param name="description">What went wrong.</param>
    /// <param name="statusCode">The HTTP status, if an answer arrived.</param>
    /// <param name="exception">The exception, if any.</param>
    /// <param name="retryAfter">The server's <c>Retry-After</c>, if any.</param>
    /// <param name="errorCode">The server's error code, if any.</param>
    /// <returns>The outcome.</returns>
    /// <remarks>Use this for failures where the server certainly did not rotate the refresh token; see <see cref="Ambiguous"/> for the others.</remarks>
    public static RefreshOutcome Transient(string description, int? statusCode = null, Exception? exception = null, TimeSpan? retryAfter = null, string? errorCode = null) =>
        new(RefreshOutcomeKind.Transient) { Description = description, StatusCode = statusCode, Exception = exception, RetryAfter = retryAfter, ErrorCode = errorCode };

    /// <summary>
    /// Creates an ambiguous <see cref="RefreshOutcomeKind.Transient"/> outcome (<see cref="IsAmbiguous"/>): the request may have
    /// reached the server and rotated the refresh token, and no usable answer arrived.
    /// </summary>
    /// <param name="description">What went wrong.</param>
    /// <param name="statusCode">The HTTP status, if an answer arrived (a success whose body was unusable); <see langword="null"/> when the request may still be in flight at the server.</param>
    /// <param name="exception">The exception, if any.</param>
    /// <returns>The outcome.</returns>
    public static RefreshOutcome Ambiguous(string description, int? statusCode = null, Exception? exception = null) =>
        new(RefreshOutcomeKind.Transient) { Description = description, StatusCode = statusCode, Exception = exception, IsAmbiguous = true };

    /// <summary>
    /// Creates the outcome of a success answer that rotated the refresh token but cannot be used as it is: the coordinator
    /// stores <paramref name="session"/> first, then reports a <see cref="RefreshOutcomeKind.Transient"/> or
    /// <see cref="RefreshOutcomeKind.Faulted"/> failure, so the rotated refresh token is never lost and the old one never resent.
    /// </summary>
    /// <param name="session">The session to store: the rotated refresh token with the best access token available.</param>
    /// <param name="faulted"><see langword="true"/> for a configuration problem (such as a token type other than bearer), <see langword="false"/> for a transient one.</param>
    /// <param name="description">What was wrong; never token material.</param>
    /// <param name="statusCode">The HTTP status.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="session"/> is <see langword="null"/>.</exception>
    public static RefreshOutcome RotatedButUnusable(Session session, bool faulted, string description, int? statusCode = 200)
    {
        ArgumentNullException.ThrowIfNull(session);
        return new(faulted ? RefreshOutcomeKind.Faulted : RefreshOutcomeKind.Transient) { Session = session, Description = description, StatusCode = statusCode };
    }

    /// <summary>Creates a <see cref="RefreshOutcomeKind.Faulted"/> outcome.</summary>
    /// <param name="description">What went wrong.</param>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="errorCode">The server's error code, if any.</param>
    /// <returns>The outcome.</returns>
    public static RefreshOutcome Faulted(string description, int? statusCode, string? errorCode) =>
        new(RefreshOutcomeKind.Faulted) { Description = description, StatusCode = statusCode, ErrorCode = errorCode };

    /// <summary>Describes the outcome without token material.</summary>
    /// <returns>The kind, status, code and description.</returns>
    public override string ToString() => Kind switch
    {
        RefreshOutcomeKind.Succeeded => $"Succeeded: {Session}",
        RefreshOutcomeKind.Rejected => $"Rejected: {Reason} (status {StatusCode}, code {ErrorCode ?? "-"})",
        _ => $"{Kind}: {Description} (status {StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}, code {ErrorCode ?? "-"})",
    };
}
