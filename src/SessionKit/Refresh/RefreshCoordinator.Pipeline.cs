// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;
using SessionKit.Internal;

namespace SessionKit;

/// <content>The resilience pipeline around the token-endpoint call and its resend rules.</content>
public sealed partial class RefreshCoordinator
{
    private static readonly ResiliencePropertyKey<Session> SessionProperty = new("SessionKit.Session");
    private static readonly ResiliencePropertyKey<long> FirstSentProperty = new("SessionKit.FirstSent");
    private static readonly ResiliencePropertyKey<bool> AmbiguousProperty = new("SessionKit.Ambiguous");

    private async Task<RefreshOutcome> ExecuteAsync(string sessionKey, Session current)
    {
        using var budget = new CancellationTokenSource(_options.TotalTimeout, _timeProvider);
        var context = ResilienceContextPool.Shared.Get(sessionKey, budget.Token);
        context.Properties.Set(SessionProperty, current);
        try
        {
            var outcome = await _pipeline.ExecuteOutcomeAsync(
                static async (ctx, state) =>
                {
                    state.Self.CountRequest();
                    if (!ctx.Properties.TryGetValue(FirstSentProperty, out _))
                    {
                        ctx.Properties.Set(FirstSentProperty, state.Self._timeProvider.GetTimestamp());
                    }

                    try
                    {
                        return Outcome.FromResult(await state.Self._refresher.RefreshAsync(state.Session, ctx.CancellationToken).ConfigureAwait(false));
                    }
                    catch (Exception ex)
                    {
                        return Outcome.FromException<RefreshOutcome>(ex);
                    }
                },
                context,
                (Self: this, Session: current)).ConfigureAwait(false);

            return outcome.Exception switch
            {
                null => outcome.Result!,
                BrokenCircuitException ex => RefreshOutcome.Transient("the token endpoint kept failing; refreshes are paused until the circuit closes", exception: ex, retryAfter: ex.RetryAfter),
                TimeoutRejectedException ex => RefreshOutcome.Ambiguous("the token endpoint did not answer in time", exception: ex),
                OperationCanceledException ex => RefreshOutcome.Ambiguous("the refresh budget ran out", exception: ex),
                var ex when IsAmbiguous(ex) => RefreshOutcome.Ambiguous("the token endpoint client threw " + ex.GetType().Name, exception: ex),
                var ex => RefreshOutcome.Transient("the token endpoint client threw " + ex.GetType().Name, exception: ex),
            };
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private void CountRequest()
    {
        if (_telemetry.RefreshRequests.Enabled)
        {
            _telemetry.RefreshRequests.Add(1);
        }
    }

    private ResiliencePipeline<RefreshOutcome> BuildPipeline()
    {
        var maxDelay = _options.MaxRetryDelay;
        var builder = new ResiliencePipelineBuilder<RefreshOutcome> { TimeProvider = _timeProvider, Name = "SessionKit.Refresh" };
        if (_options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<RefreshOutcome>
            {
                MaxRetryAttempts = _options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.RetryBaseDelay,
                MaxDelay = maxDelay,
                ShouldHandle = args => new ValueTask<bool>(ShouldResend(args.Outcome, args.Context)),
                DelayGenerator = args => new ValueTask<TimeSpan?>(
                    MayStillBeInFlight(args.Outcome) && SettlesBeforeResend ? SettleDelay : args.Outcome.Result?.RetryAfter),
                OnRetry = args =>
                {
                    Log.RefreshRetrying(
                        _logger,
                        args.Context.OperationKey ?? string.Empty,
                        args.AttemptNumber + 1,
                        args.Outcome.Result?.StatusCode,
                        args.Context.Properties.TryGetValue(SessionProperty, out var session)
                            ? Redact(args.Outcome.Result?.Description ?? args.Outcome.Exception?.GetType().Name, session)
                            : null);
                    return default;
                },
            });
        }

        if (_options.CircuitBreakerEnabled)
        {
            builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<RefreshOutcome>
            {
                FailureRatio = _options.CircuitBreakerFailureRatio,
                MinimumThroughput = _options.CircuitBreakerMinimumThroughput,
                SamplingDuration = _options.CircuitBreakerSamplingDuration,
                BreakDuration = _options.CircuitBreakerBreakDuration,
                ShouldHandle = static args => new ValueTask<bool>(
                    IsTransientException(args.Outcome.Exception) || args.Outcome.Result is { Kind: RefreshOutcomeKind.Transient }),
                OnOpened = args =>
                {
                    Log.CircuitOpened(_logger, args.BreakDuration);
                    CountCircuitState("open");
                    return default;
                },
                OnHalfOpened = _ =>
                {
                    Log.CircuitHalfOpened(_logger);
                    CountCircuitState("half_open");
                    return default;
                },
                OnClosed = _ =>
                {
                    Log.CircuitClosed(_logger);
                    CountCircuitState("closed");
                    return default;
                },
            });
        }

        return builder.AddTimeout(new TimeoutStrategyOptions
        {
            Timeout = _options.AttemptTimeout,
            OnTimeout = args =>
            {
                Log.RefreshAttemptTimedOut(_logger, args.Context.OperationKey ?? string.Empty, args.Timeout);
                if (_telemetry.AttemptTimeouts.Enabled)
                {
                    _telemetry.AttemptTimeouts.Add(1);
                }

                return default;
            },
        }).Build();
    }

    /// <summary>Counts a change of the circuit breaker's state, tagged with the state entered.</summary>
    private void CountCircuitState(string state)
    {
        if (_telemetry.CircuitStateChanges.Enabled)
        {
            _telemetry.CircuitStateChanges.Add(1, new KeyValuePair<string, object?>("sessionkit.circuit.state", state));
        }
    }

    /// <summary>Gets the wait after an attempt that may still be in flight at the server, before the same token is sent again.</summary>
    private TimeSpan SettleDelay => _options.SettleDelay ?? _options.AttemptTimeout;

    /// <summary>Gets a value indicating whether resends wait for <see cref="SettleDelay"/>: not for a server that always forgives a resend (GoTrue).</summary>
    private bool SettlesBeforeResend => _refresher.RefreshTokenReuseWindow != Timeout.InfiniteTimeSpan;

    /// <summary>
    /// The Polly "transient exception" predicate, the one home of the rule for both the retry and the circuit breaker: an
    /// attempt timeout, a network failure or an I/O failure.
    /// </summary>
    private static bool IsTransientException(Exception? exception) =>
        exception is TimeoutRejectedException or HttpRequestException or IOException;

    /// <summary>Returns whether an exception may follow a request that reached the server (anything but "nothing was sent").</summary>
    private static bool IsAmbiguous(Exception exception) => exception switch
    {
        TimeoutRejectedException or IOException => true,
        HttpRequestException http => !EndpointResponse.NothingSent(http),
        _ => false,
    };

    private static bool IsAmbiguous(Outcome<RefreshOutcome> outcome) =>
        outcome.Exception is { } ex ? IsAmbiguous(ex) : outcome.Result is { IsAmbiguous: true };

    /// <summary>Returns whether the attempt may still be in progress at the server: ambiguous, and no answer arrived.</summary>
    private static bool MayStillBeInFlight(Outcome<RefreshOutcome> outcome) =>
        IsAmbiguous(outcome) && (outcome.Exception is not null || outcome.Result?.StatusCode is null);

    /// <summary>
    /// The retry predicate. Unambiguous transient failures are resent as before. Once an attempt of this refresh was ambiguous,
    /// every resend is a reuse of a token the server may have rotated: it goes only to a server that forgives it (always, or
    /// within a leeway that the resend, after the settle delay, still falls inside).
    /// </summary>
    private bool ShouldResend(Outcome<RefreshOutcome> outcome, ResilienceContext context)
    {
        var retriable = outcome switch
        {
            // A rotation in an unusable answer was stored: the old refresh token must never be sent again.
            { Result.Session: not null } => false,
            { Exception: var ex } when IsTransientException(ex) => true,

            // A server asking for more patience than the policy allows ends the retries early.
            { Result: { Kind: RefreshOutcomeKind.Transient } transient } => transient.RetryAfter is not { } wait || wait <= _options.MaxRetryDelay,
            _ => false,
        };
        if (!retriable)
        {
            return false;
        }

        var ambiguous = IsAmbiguous(outcome);
        if (ambiguous)
        {
            context.Properties.Set(AmbiguousProperty, true);
        }
        else if (!context.Properties.TryGetValue(AmbiguousProperty, out var earlier) || !earlier)
        {
            return true;
        }

        var window = _refresher.RefreshTokenReuseWindow;
        if (window == Timeout.InfiniteTimeSpan)
        {
            return true;
        }

        var allowed = false;
        if (window > TimeSpan.Zero && context.Properties.TryGetValue(FirstSentProperty, out var firstSent))
        {
            // The resend must reach the server inside the leeway counted from the first send (the earliest the server can
            // have used the token): after the settle delay when the first attempt may still be in flight, else the backoff.
            var wait = MayStillBeInFlight(outcome) ? SettleDelay : _options.MaxRetryDelay;
            allowed = _timeProvider.GetElapsedTime(firstSent) + wait < window;
        }

        if (!allowed)
        {
            Log.RefreshNotResent(_logger, context.OperationKey ?? string.Empty, window);
        }

        return allowed;
    }
}
