// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Testing;

/// <summary>
/// A fault the <see cref="GoTrueTestServer"/> applies to one refresh request, queued with <see cref="GoTrueTestServer.EnqueueRefreshFault"/>.
/// Faults that corrupt a success answer are applied <em>after</em> the server rotated the token, the worst case for a client.
/// </summary>
public sealed class TokenEndpointFault
{
    private TokenEndpointFault(TokenEndpointFaultKind kind, string description)
    {
        Kind = kind;
        Description = description;
    }

    /// <summary>Gets the kind of fault.</summary>
    /// <value>The kind.</value>
    public TokenEndpointFaultKind Kind { get; }

    /// <summary>Gets a short description for test output.</summary>
    /// <value>The description.</value>
    public string Description { get; }

    /// <summary>Gets the status code sent (for <see cref="TokenEndpointFaultKind.Status"/> and <see cref="TokenEndpointFaultKind.GatewayHtml"/>).</summary>
    /// <value>The status.</value>
    public int StatusCode { get; private init; }

    /// <summary>Gets the <c>Retry-After</c> header value sent, if any.</summary>
    /// <value>The delay, or <see langword="null"/>.</value>
    public TimeSpan? RetryAfter { get; private init; }

    /// <summary>Gets how long the server waits before processing or answering (for <see cref="TokenEndpointFaultKind.Delay"/> and <see cref="TokenEndpointFaultKind.DelayAfterRotating"/>).</summary>
    /// <value>The delay.</value>
    public TimeSpan Delay { get; private init; }

    /// <summary>Gets the body size sent (for <see cref="TokenEndpointFaultKind.HugeBody"/>).</summary>
    /// <value>The size in bytes.</value>
    public int BodyBytes { get; private init; }

    /// <summary>Answers with <paramref name="statusCode"/> and a GoTrue-shaped JSON error, without rotating.</summary>
    /// <param name="statusCode">The status, for example 500, 503, 409 or 429.</param>
    /// <param name="retryAfter">The <c>Retry-After</c> to send, if any.</param>
    /// <returns>The fault.</returns>
    public static TokenEndpointFault Status(int statusCode, TimeSpan? retryAfter = null) =>
        new(TokenEndpointFaultKind.Status, $"status {statusCode}") { StatusCode = statusCode, RetryAfter = retryAfter };

    /// <summary>Answers with an HTML page from a "gateway", without rotating.</summary>
    /// <param name="statusCode">The status; 502 by default.</param>
    /// <returns>The fault.</returns>
    public static TokenEndpointFault GatewayHtml(int statusCode = 502) =>
        new(TokenEndpointFaultKind.GatewayHtml, $"HTML gateway page {statusCode}") { StatusCode = statusCode };

    /// <summary>Rotates, then answers 200 with the JSON cut in half.</summary>
    /// <returns>The fault.</returns>
    public static TokenEndpointFault TruncatedJson() => new(TokenEndpointFaultKind.TruncatedJson, "truncated JSON after rotating");

    /// <summary>Rotates, then answers 200 with a body that is not JSON.</summary>
    /// <returns>The fault.</returns>
    public static TokenEndpointFault NonJsonSuccess() => new(TokenEndpointFaultKind.NonJsonSuccess, "non-JSON 200 after rotating");

    /// <summary>Rotates, then answers 200 with a huge JSON body.</summary>
    /// <param name="bytes">The body size; 10 MiB by default.</param>
    /// <returns>The fault.</returns>
    public static TokenEndpointFault HugeBody(int bytes = 10 * 1024 * 1024) =>
        new(TokenEndpointFaultKind.HugeBody, $"{bytes}-byte body after rotating") { BodyBytes = bytes };

    /// <summary>Rotates, then answers 200 without <c>access_token</c>.</summary>
    /// <returns>The fault.</returns>
    public static TokenEndpointFault MissingFields() => new(TokenEndpointFaultKind.MissingFields, "200 without access_token after rotating");

    /// <summary>Rotates, then answers 200 with wrong-typed fields (<c>expires_in</c> an object, <c>refresh_token</c> a number).</summary>
    /// <returns>The fault.</returns>
    public static TokenEndpointFault WrongTypes() => new(TokenEndpointFaultKind.WrongTypes, "200 with wrong-typed fields after rotating");

    /// <summary>Rotates, then answers 200 with an access token that is not a well-formed JWT.</summary>
    /// <returns>The fault.</returns>
    public static TokenEndpointFault MalformedAccessToken() => new(TokenEndpointFaultKind.MalformedAccessToken, "malformed JWT after rotating");

    /// <summary>Rotates, then drops the connection without answering: the lost response.</summary>
    /// <returns>The fault.</returns>
    public static TokenEndpointFault DropConnectionAfterRotating() => new(TokenEndpointFaultKind.DropConnectionAfterRotating, "connection dropped after rotating");

    /// <summary>Waits <paramref name="delay"/> (by the real clock), then processes the request normally.</summary>
    /// <param name="delay">The delay.</param>
    /// <returns>The fault.</returns>
    public static TokenEndpointFault Delayed(TimeSpan delay) => new(TokenEndpointFaultKind.Delay, $"delayed {delay.TotalMilliseconds} ms") { Delay = delay };

    /// <summary>
    /// Rotates at once, then waits <paramref name="delay"/> (by the real clock) before answering: a slow answer. A client that
    /// gives up or goes away meanwhile never gets the rotated token (the lost response); its refresh token is then the parent
    /// of the active one.
    /// </summary>
    /// <param name="delay">The delay.</param>
    /// <returns>The fault.</returns>
    public static TokenEndpointFault DelayedAnswer(TimeSpan delay) =>
        new(TokenEndpointFaultKind.DelayAfterRotating, $"rotated, answer delayed {delay.TotalMilliseconds} ms") { Delay = delay };

    /// <inheritdoc/>
    public override string ToString() => Description;
}
