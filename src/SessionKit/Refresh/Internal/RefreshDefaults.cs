// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Internal;

/// <summary>Default values of the refresh and handler options.</summary>
internal static class RefreshDefaults
{
    public const string SessionKey = "default";

    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(15);

    public const int MaxRetryAttempts = 3;

    public static readonly TimeSpan RetryBaseDelay = TimeSpan.FromMilliseconds(500);

    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan TotalTimeout = TimeSpan.FromSeconds(60);

    public static readonly TimeSpan RefreshMargin = TimeSpan.FromSeconds(30);

    public const double CircuitBreakerFailureRatio = 0.5;

    public const int CircuitBreakerMinimumThroughput = 5;

    public static readonly TimeSpan CircuitBreakerSamplingDuration = TimeSpan.FromSeconds(60);

    public static readonly TimeSpan CircuitBreakerBreakDuration = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan MinimumRefreshInterval = TimeSpan.FromSeconds(2);

    /// <summary>How many keys a coordinator remembers the last reported end of, so each end is raised once per coordinator.</summary>
    public const int MaxReportedEnds = 4096;
}
