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
    /// <value>Non-null only for <see cref="RefreshOutcomeKind.Succeeded"/>. Its <see cref="Session.RefreshToken"/> is <see langword="null"/> when the server issued none (the old one is kept).</value>
    public Session? Session { get; private init; }

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
    /// <returns>The outcome.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="session"/> is <see langword="null"/>.</exception>
    public static RefreshOutcome Succeeded(Session session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return new(RefreshOutcomeKind.Succeeded) { Session = session, StatusCode = 200 };
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
    public static RefreshOutcome Transient(string description, int? statusCode = null, Exception? exception = null, TimeSpan? retryAfter = null, string? errorCode = null) =>
        new(RefreshOutcomeKind.Transient) { Description = description, StatusCode = statusCode, Exception = exception, RetryAfter = retryAfter, ErrorCode = errorCode };

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
