// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using SessionKit.Internal;

namespace SessionKit;

/// <summary>The resilience policy around each token-endpoint call made by the <see cref="RefreshCoordinator"/>.</summary>
/// <remarks>
/// <para>
/// Unambiguous transient failures (nothing was sent, or the server answered 5xx, 429, 408 or 409) are retried with the
/// <em>same</em> refresh token; rejections are never retried.
/// </para>
/// <para>
/// After an <em>ambiguous</em> failure (an attempt timed out, the connection broke after the request was sent, a success answer
/// had no readable refresh token) the server may have rotated the token already. What happens next depends on how the server
/// treats a second use of a refresh token (<see cref="ITokenRefresher.RefreshTokenReuseWindow"/>): GoTrue accepts a resend of
/// the token it just rotated, so it is resent after the usual backoff; a server with a reuse leeway gets the resend only after
/// <see cref="SettleDelay"/>, so the first request has finished at the server before the second arrives, and only while the
/// resend still falls inside the leeway; a strict server never gets a resend within the refresh: the session is kept, the
/// caller gets a transient <see cref="SessionRefreshException"/>, and the next refresh finds out.
/// </para>
/// </remarks>
public sealed class RefreshOptions
{
    /// <summary>Gets or sets the timeout of one call to the token endpoint.</summary>
    /// <value>Defaults to 15 seconds. From 10 milliseconds to 10 minutes.</value>
    public TimeSpan AttemptTimeout { get; set; } = RefreshDefaults.AttemptTimeout;

    /// <summary>The valid values of <see cref="AttemptTimeout"/>.</summary>
    internal static readonly ValueRange<TimeSpan> AttemptTimeoutRange = new(TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10));

    /// <summary>Gets or sets how many times a transient failure is retried.</summary>
    /// <value>Defaults to 3. Zero disables retries. From 0 to 20.</value>
    public int MaxRetryAttempts { get; set; } = RefreshDefaults.MaxRetryAttempts;

    /// <summary>The valid values of <see cref="MaxRetryAttempts"/>.</summary>
    internal static readonly ValueRange<int> MaxRetryAttemptsRange = new(0, 20);

    /// <summary>Gets or sets the base delay of the exponential, jittered backoff between attempts.</summary>
    /// <value>Defaults to 500 milliseconds. From zero to 1 minute, and at most <see cref="MaxRetryDelay"/>.</value>
    public TimeSpan RetryBaseDelay { get; set; } = RefreshDefaults.RetryBaseDelay;

    /// <summary>The valid values of <see cref="RetryBaseDelay"/>.</summary>
    internal static readonly ValueRange<TimeSpan> RetryBaseDelayRange = new(TimeSpan.Zero, TimeSpan.FromMinutes(1));

    /// <summary>Gets or sets the longest delay between attempts. A server <c>Retry-After</c> longer than this ends the retries.</summary>
    /// <value>Defaults to 10 seconds. From zero to 10 minutes.</value>
    public TimeSpan MaxRetryDelay { get; set; } = RefreshDefaults.MaxRetryDelay;

    /// <summary>The valid values of <see cref="MaxRetryDelay"/>.</summary>
    internal static readonly ValueRange<TimeSpan> MaxRetryDelayRange = new(TimeSpan.Zero, TimeSpan.FromMinutes(10));

    /// <summary>
    /// Gets or sets a value indicating whether a circuit breaker stops refresh storms: after repeated transient failures of
    /// the token endpoint, refreshes fail fast with <see cref="SessionRefreshException"/> (the session is kept) until the break ends.
    /// </summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool CircuitBreakerEnabled { get; set; } = true;

    /// <summary>Gets or sets the share of failed token-endpoint calls, within <see cref="CircuitBreakerSamplingDuration"/>, that opens the circuit.</summary>
    /// <value>Defaults to 0.5. From 0.01 to 1.</value>
    public double CircuitBreakerFailureRatio { get; set; } = RefreshDefaults.CircuitBreakerFailureRatio;

    /// <summary>The valid values of <see cref="CircuitBreakerFailureRatio"/>.</summary>
    internal static readonly ValueRange<double> CircuitBreakerFailureRatioRange = new(0.01, 1.0);

    /// <summary>Gets or sets how many token-endpoint calls must be sampled before the circuit can open.</summary>
    /// <value>Defaults to 5. From 2 to 1,000.</value>
    public int CircuitBreakerMinimumThroughput { get; set; } = RefreshDefaults.CircuitBreakerMinimumThroughput;

    /// <summary>The valid values of <see cref="CircuitBreakerMinimumThroughput"/>.</summary>
    internal static readonly ValueRange<int> CircuitBreakerMinimumThroughputRange = new(2, 1000);

    /// <summary>Gets or sets the window over which failures are sampled.</summary>
    /// <value>Defaults to 60 seconds. From 500 milliseconds to 1 hour.</value>
    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = RefreshDefaults.CircuitBreakerSamplingDuration;

    /// <summary>The valid values of <see cref="CircuitBreakerSamplingDuration"/>.</summary>
    internal static readonly ValueRange<TimeSpan> CircuitBreakerSamplingDurationRange = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromHours(1));

    /// <summary>Gets or sets how long the circuit stays open before one trial call is let through.</summary>
    /// <value>Defaults to 30 seconds. From 500 milliseconds to 1 hour.</value>
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = RefreshDefaults.CircuitBreakerBreakDuration;

    /// <summary>The valid values of <see cref="CircuitBreakerBreakDuration"/>.</summary>
    internal static readonly ValueRange<TimeSpan> CircuitBreakerBreakDurationRange = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromHours(1));

    /// <summary>
    /// Gets or sets how long a session obtained by a refresh is protected from being refreshed again while its access token is
    /// still valid. A 401 or a forced refresh inside this window returns the stored session instead of calling the server, which
    /// stops refresh loops (an API that rejects every token, code that refreshes in a loop).
    /// </summary>
    /// <value>Defaults to 2 seconds, capped at half the token lifetime. <see cref="TimeSpan.Zero"/> disables the guard. From zero to 10 minutes.</value>
    public TimeSpan MinimumRefreshInterval { get; set; } = RefreshDefaults.MinimumRefreshInterval;

    /// <summary>The valid values of <see cref="MinimumRefreshInterval"/>.</summary>
    internal static readonly ValueRange<TimeSpan> MinimumRefreshIntervalRange = new(TimeSpan.Zero, TimeSpan.FromMinutes(10));

    /// <summary>
    /// Gets or sets how long to wait, after an attempt that may still be in flight at the server (it timed out, or the connection
    /// broke after sending), before the same refresh token is sent again to a server with a reuse leeway. Never two refresh
    /// requests of one session at the server at once: a slow server must have finished the first before the second arrives.
    /// </summary>
    /// <value>
    /// Defaults to <see langword="null"/>: <see cref="AttemptTimeout"/>, so the first request had at least twice the attempt
    /// timeout to finish. Not applied to GoTrue (its parent rule makes an early resend harmless); strict servers never get a resend.
    /// From zero to 10 minutes.
    /// </value>
    public TimeSpan? SettleDelay { get; set; }

    /// <summary>The valid values of <see cref="SettleDelay"/>.</summary>
    internal static readonly ValueRange<TimeSpan> SettleDelayRange = new(TimeSpan.Zero, TimeSpan.FromMinutes(10));

    /// <summary>Gets or sets the budget for one refresh, all attempts and delays included.</summary>
    /// <value>Defaults to 60 seconds. From 10 milliseconds to 1 hour, and at least <see cref="AttemptTimeout"/>.</value>
    public TimeSpan TotalTimeout { get; set; } = RefreshDefaults.TotalTimeout;

    /// <summary>The valid values of <see cref="TotalTimeout"/>.</summary>
    internal static readonly ValueRange<TimeSpan> TotalTimeoutRange = new(TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1));
}
