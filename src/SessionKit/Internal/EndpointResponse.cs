// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Internal;

/// <summary>An answer from a token endpoint, read with a size cap: status, body and the headers classification needs.</summary>
internal sealed class EndpointResponse
{
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

    /// <summary>Sends <paramref name="request"/> and reads the answer; a failure to get one becomes a transient outcome.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<(EndpointResponse? Response, RefreshOutcome? Failure)> SendAsync(
        HttpClient client, HttpRequestMessage request, int maxBodyBytes, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var receivedAt = timeProvider.GetUtcNow();
            var body = await CappedBody.ReadAsync(response, maxBodyBytes, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (body is null)
            {
                return (null, RefreshOutcome.Transient($"the response body is larger than {maxBodyBytes} bytes", status));
            }

            var versioned = response.Headers.TryGetValues("X-Supabase-Api-Version", out var versions)
                && versions.FirstOrDefault() is { } v
                && string.CompareOrdinal(v, "2024-01-01") >= 0;
            var codeHeader = response.Headers.TryGetValues("x-sb-error-code", out var codes) ? codes.FirstOrDefault() : null;
            return (new EndpointResponse
            {
                Status = status,
                Body = body,
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
            return (null, RefreshOutcome.Transient("the request timed out", exception: ex));
        }
        catch (HttpRequestException ex)
        {
            return (null, RefreshOutcome.Transient("the request failed: " + ex.HttpRequestError, (int?)ex.StatusCode, ex));
        }
        catch (IOException ex)
        {
            return (null, RefreshOutcome.Transient("the response could not be read", exception: ex));
        }
    }
}
