// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.ComponentModel.DataAnnotations;

using SessionKit.Internal;

namespace SessionKit;

/// <summary>The resilience policy around each token-endpoint call made by the <see cref="RefreshCoordinator"/>.</summary>
/// <remarks>
/// Transient failures are retried with the <em>same</em> refresh token (a lost response is recoverable that way on GoTrue and on
/// servers with a reuse leeway); rejections are never retried. Per-attempt timeouts are generous so that a retry is sent only
/// after an unambiguous failure.
/// </remarks>
public sealed class RefreshOptions
{
    /// <summary>Gets or sets the timeout of one call to the token endpoint.</summary>
    /// <value>Defaults to 15 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan AttemptTimeout { get; set; } = RefreshDefaults.AttemptTimeout;

    /// <summary>Gets or sets how many times a transient failure is retried.</summary>
    /// <value>Defaults to 3. Zero disables retries.</value>
    [Range(0, 20)]
    public int MaxRetryAttempts { get; set; } = RefreshDefaults.MaxRetryAttempts;

    /// <summary>Gets or sets the base delay of the exponential, jittered backoff between attempts.</summary>
    /// <value>Defaults to 500 milliseconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryBaseDelay { get; set; } = RefreshDefaults.RetryBaseDelay;

    /// <summary>Gets or sets the longest delay between attempts. A server <c>Retry-After</c> longer than this ends the retries.</summary>
    /// <value>Defaults to 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan MaxRetryDelay { get; set; } = RefreshDefaults.MaxRetryDelay;

    /// <summary>Gets or sets the budget for one refresh, all attempts and delays included.</summary>
    /// <value>Defaults to 60 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan TotalTimeout { get; set; } = RefreshDefaults.TotalTimeout;
}
