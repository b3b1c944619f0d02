// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net.Http.Headers;

namespace SessionKit.Internal;

/// <summary>An answer from a token endpoint, read with a size cap: status, body and the headers classification needs.</summary>
internal sealed class EndpointResponse
{
    private static readonly StringWithQualityHeaderValue IdentityEncoding = new("identity");

    public required int Status { get; init; }

    /// <summary>Gets the body, or <see langword="null"/> when it exceeded the cap.</summary>
    public required byte[]? Body { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Gets a value indicating whether the response echoed <c>X-Supabase-Api-Version</c> ≥ 2024-01-01.</summary>
    public bool VersionedErrorShape { get; init; }

    /// <summary>Gets the <c>x-sb-error-code</c> header.</summary>
    public string? ErrorCodeHeader { get; init; }

    public bool IsSuccess => Status is >= 200 and < 300;

    /// <summary>
    /// Sends <paramref name="request"/> and reads the answer; a failure to get one becomes a transient outcome, and an answer from
    /// another origin (an <see cref="HttpClient"/> that follows redirects) a faulted one.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<(EndpointResponse? Response, RefreshOutcome? Failure)> SendAsync(
        HttpClient client, HttpRequestMessage request, int maxBodyBytes, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var sentTo = request.RequestUri;
        if (request.Headers.AcceptEncoding.Count == 0)
        {
            // Without Accept-Encoding any content coding is acceptable (RFC 9110, 12.5.3), and a body left compressed reads as an
            // unusable answer, a lost rotation. Asking for the body as is costs nothing for these small JSON answers. A browser
            // sets the header itself (and decodes what it asked for).
            request.Headers.AcceptEncoding.Add(IdentityEncoding);
        }

        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var receivedAt = timeProvider.GetUtcNow();
            if (FollowedToAnotherOrigin(sentTo, response))
            {
                // The handler followed a 307/308 and re-posted the body elsewhere: whatever answered there is not the token
                // server, so its answer is never used, and the misconfiguration is reported loudly.
                return (null, RefreshOutcome.Faulted(
                    "the HttpClient followed a redirect from the token endpoint to another origin; give the token endpoint client an HttpClient whose handler has AllowAutoRedirect = false",
                    (int)response.StatusCode,
                    null));
            }

            var body = await CappedBody.ReadAsync(response, maxBodyBytes, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (body is null)
            {
                var tooLarge = $"the response body is larger than {maxBodyBytes} bytes";
                return (null, status is >= 200 and < 300 ? RefreshOutcome.Ambiguous(tooLarge, status) : RefreshOutcome.Transient(tooLarge, status));
            }

            var versioned = response.Headers.TryGetValues("X-Supabase-Api-Version", out var versions)
                && versions.FirstOrDefault() is { } v
                && string.CompareOrdinal(v, "2024-01-01") >= 0;
            var codeHeader = response.Headers.TryGetValues("x-sb-error-code", out var codes) ? codes.FirstOrDefault() : null;
            return (new EndpointResponse
            {
                Status = status,
                Body = BodyText.ToUtf8(body, response.Content.Headers.ContentType?.CharSet),
                ReceivedAt = receivedAt,
                RetryAfter = Internal.RetryAfter.From(response, receivedAt),
                VersionedErrorShape = versioned,
                ErrorCodeHeader = codeHeader,
            }, null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException ex)
        {
            // HttpClient.Timeout: the request may still be processed by the server.
            return (null, RefreshOutcome.Ambiguous("the request timed out", exception: ex));
        }
        catch (HttpRequestException ex)
        {
            var description = "the request failed: " + ex.HttpRequestError;
            return (null, NothingSent(ex)
                ? RefreshOutcome.Transient(description, (int?)ex.StatusCode, ex)
                : RefreshOutcome.Ambiguous(description, (int?)ex.StatusCode, ex));
        }
        catch (IOException ex)
        {
            return (null, RefreshOutcome.Ambiguous("the response could not be read", exception: ex));
        }
    }

    /// <summary>Returns whether the handler followed a redirect (the request it answered went to another origin than <paramref name="sentTo"/>).</summary>
    private static bool FollowedToAnotherOrigin(Uri? sentTo, HttpResponseMessage response) =>
        sentTo is { IsAbsoluteUri: true }
        && response.RequestMessage?.RequestUri is { IsAbsoluteUri: true } answeredFor
        && Uri.Compare(sentTo, answeredFor, UriComponents.SchemeAndServer, UriFormat.UriEscaped, StringComparison.OrdinalIgnoreCase) != 0;

    /// <summary>
    /// Returns whether <paramref name="exception"/> certainly happened before the request reached the server (no connection,
    /// no name, no TLS session, no tunnel). Everything else (a reset, an ended or invalid response) may follow a request the
    /// server received and processed.
    /// </summary>
    public static bool NothingSent(HttpRequestException exception) => exception.HttpRequestError is
        HttpRequestError.ConnectionError
        or HttpRequestError.NameResolutionError
        or HttpRequestError.SecureConnectionError
        or HttpRequestError.ProxyTunnelError
        or HttpRequestError.VersionNegotiationError;
}
