// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SessionKit.Internal;

/// <summary>
/// The <c>SessionKit</c> meter and activity source (public names in <see cref="SessionKitDiagnostics"/>). Instruments: <c>sessionkit.refresh.duration</c> (s),
/// <c>sessionkit.refresh.requests</c> (token endpoint calls), <c>sessionkit.session.ended</c> and
/// <c>sessionkit.request.retries</c> (401 retries), <c>sessionkit.refresh.circuit_state_changes</c> (tag
/// <c>sessionkit.circuit.state</c>: <c>open</c>, <c>half_open</c>, <c>closed</c>) and <c>sessionkit.refresh.attempt_timeouts</c>.
/// Tags never carry tokens.
/// </summary>
internal sealed class SessionKitTelemetry : IDisposable
{
    public const string Name = SessionKitDiagnostics.MeterName;

    public static readonly ActivitySource ActivitySource = new(SessionKitDiagnostics.ActivitySourceName);

    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    public SessionKitTelemetry(IMeterFactory? meterFactory)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(Name) ?? new Meter(Name);
        RefreshDuration = _meter.CreateHistogram<double>("sessionkit.refresh.duration", "s", "Duration of a refresh, from start of the single flight to the stored result.");
        RefreshRequests = _meter.CreateCounter<long>("sessionkit.refresh.requests", "{request}", "Calls made to the token endpoint to refresh a session.");
        SessionsEnded = _meter.CreateCounter<long>("sessionkit.session.ended", "{session}", "Sessions ended, by reason.");
        RequestRetries = _meter.CreateCounter<long>("sessionkit.request.retries", "{request}", "Requests retried after a 401.");
        CircuitStateChanges = _meter.CreateCounter<long>("sessionkit.refresh.circuit_state_changes", "{change}", "Changes of the refresh circuit breaker's state, by the state entered.");
        AttemptTimeouts = _meter.CreateCounter<long>("sessionkit.refresh.attempt_timeouts", "{attempt}", "Token endpoint calls that got no answer within the attempt timeout.");
    }

    public Histogram<double> RefreshDuration { get; }

    public Counter<long> RefreshRequests { get; }

    public Counter<long> SessionsEnded { get; }

    public Counter<long> RequestRetries { get; }

    public Counter<long> CircuitStateChanges { get; }

    public Counter<long> AttemptTimeouts { get; }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
