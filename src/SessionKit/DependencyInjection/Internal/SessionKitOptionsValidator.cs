// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.Options;

namespace SessionKit.Internal;

/// <summary>
/// Every rule of <see cref="SessionKitOptions"/>: the token endpoint (<see cref="GoTrueOptions"/> or <see cref="OAuth2Options"/>,
/// not both) and the <see cref="RefreshOptions"/>. The ranges are declared beside the properties they bound.
/// </summary>
/// <remarks>Whether a token endpoint is configured at all is <see cref="TokenEndpointConfiguredValidator"/>'s business.</remarks>
internal sealed class SessionKitOptionsValidator : IValidateOptions<SessionKitOptions>
{
    public ValidateOptionsResult Validate(string? name, SessionKitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new OptionsFailures(name, nameof(SessionKitOptions));
        if (options.GoTrue is { } goTrue)
        {
            Validate(failures.Nested(nameof(SessionKitOptions.GoTrue)), goTrue);
        }

        if (options.OAuth2 is { } oauth2)
        {
            Validate(failures.Nested(nameof(SessionKitOptions.OAuth2)), oauth2);
        }

        Validate(failures.Nested(nameof(SessionKitOptions.Refresh)), options.Refresh);
        if (options.GoTrue is not null && options.OAuth2 is not null)
        {
            failures.Add("SessionKit: configure one token endpoint, GoTrue or OAuth2, not both.");
        }

        return failures.Result;
    }

    private static void Validate(OptionsFailures failures, GoTrueOptions options)
    {
        if (failures.Required(nameof(options.AuthUrl), options.AuthUrl, "GoTrue AuthUrl is required (for example https://<project-ref>.supabase.co/auth/v1).")
            && !options.AuthUrl!.IsAbsoluteUri)
        {
            failures.Add("SessionKit: GoTrue AuthUrl must be an absolute URL.");
        }

        failures.InRange(nameof(options.MaxResponseBodyBytes), options.MaxResponseBodyBytes, GoTrueOptions.MaxResponseBodyBytesRange);
    }

    private static void Validate(OptionsFailures failures, OAuth2Options options)
    {
        if (failures.Required(nameof(options.TokenEndpoint), options.TokenEndpoint, "OAuth2 TokenEndpoint is required.")
            && !options.TokenEndpoint!.IsAbsoluteUri)
        {
            failures.Add("SessionKit: OAuth2 TokenEndpoint must be an absolute URL.");
        }

        if (options.RevocationEndpoint is { IsAbsoluteUri: false })
        {
            failures.Add("SessionKit: OAuth2 RevocationEndpoint must be an absolute URL.");
        }

        failures.Required(nameof(options.ClientId), options.ClientId, "OAuth2 ClientId is required.");
        failures.InRange(nameof(options.RefreshTokenReuseLeeway), options.RefreshTokenReuseLeeway, OAuth2Options.RefreshTokenReuseLeewayRange);
        failures.InRange(nameof(options.MaxResponseBodyBytes), options.MaxResponseBodyBytes, OAuth2Options.MaxResponseBodyBytesRange);
    }

    private static void Validate(OptionsFailures failures, RefreshOptions options)
    {
        failures.InRange(nameof(options.AttemptTimeout), options.AttemptTimeout, RefreshOptions.AttemptTimeoutRange);
        failures.InRange(nameof(options.MaxRetryAttempts), options.MaxRetryAttempts, RefreshOptions.MaxRetryAttemptsRange);
        failures.InRange(nameof(options.RetryBaseDelay), options.RetryBaseDelay, RefreshOptions.RetryBaseDelayRange);
        failures.InRange(nameof(options.MaxRetryDelay), options.MaxRetryDelay, RefreshOptions.MaxRetryDelayRange);
        failures.InRange(nameof(options.CircuitBreakerFailureRatio), options.CircuitBreakerFailureRatio, RefreshOptions.CircuitBreakerFailureRatioRange);
        failures.InRange(nameof(options.CircuitBreakerMinimumThroughput), options.CircuitBreakerMinimumThroughput, RefreshOptions.CircuitBreakerMinimumThroughputRange);
        failures.InRange(nameof(options.CircuitBreakerSamplingDuration), options.CircuitBreakerSamplingDuration, RefreshOptions.CircuitBreakerSamplingDurationRange);
        failures.InRange(nameof(options.CircuitBreakerBreakDuration), options.CircuitBreakerBreakDuration, RefreshOptions.CircuitBreakerBreakDurationRange);
        failures.InRange(nameof(options.MinimumRefreshInterval), options.MinimumRefreshInterval, RefreshOptions.MinimumRefreshIntervalRange);
        failures.InRange(nameof(options.SettleDelay), options.SettleDelay, RefreshOptions.SettleDelayRange);
        failures.InRange(nameof(options.TotalTimeout), options.TotalTimeout, RefreshOptions.TotalTimeoutRange);
        if (options.AttemptTimeout > options.TotalTimeout)
        {
            failures.Add("SessionKit: Refresh.AttemptTimeout must not exceed Refresh.TotalTimeout.");
        }

        if (options.RetryBaseDelay > options.MaxRetryDelay)
        {
            failures.Add("SessionKit: Refresh.RetryBaseDelay must not exceed Refresh.MaxRetryDelay.");
        }
    }
}
