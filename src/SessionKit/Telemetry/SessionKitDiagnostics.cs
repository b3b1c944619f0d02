// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit;

/// <summary>
/// The names under which SessionKit publishes traces and metrics, for OpenTelemetry's <c>AddSource</c> and <c>AddMeter</c>
/// (or a <see cref="System.Diagnostics.ActivityListener"/> / <see cref="System.Diagnostics.Metrics.MeterListener"/>).
/// </summary>
/// <remarks>
/// Instruments of the meter: <c>sessionkit.refresh.duration</c> (s, tag <c>sessionkit.refresh.outcome</c>),
/// <c>sessionkit.refresh.requests</c>, <c>sessionkit.session.ended</c> and <c>sessionkit.request.retries</c>.
/// Neither tags nor activity names carry tokens.
/// </remarks>
public static class SessionKitDiagnostics
{
    /// <summary>The name of SessionKit's <see cref="System.Diagnostics.Metrics.Meter"/>: <c>SessionKit</c>.</summary>
    public const string MeterName = "SessionKit";

    /// <summary>The name of SessionKit's <see cref="System.Diagnostics.ActivitySource"/>: <c>SessionKit</c>.</summary>
    public const string ActivitySourceName = "SessionKit";

    /// <summary>The name of the activity (span) around one refresh of a session: <c>sessionkit.refresh</c>.</summary>
    public const string RefreshActivityName = "sessionkit.refresh";
}
