// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using SessionKit.Internal;

namespace SessionKit;

/// <content>The rejection and adoption protocol: tombstones, adopting a session rotated elsewhere, reporting each end once.</content>
public sealed partial class RefreshCoordinator
{
    private async Task<Session> HandleRejectionAsync(string sessionKey, Session rejected, RefreshOutcome outcome)
    {
        Log.RefreshRejected(_logger, sessionKey, outcome.Reason, outcome.ErrorCode);
        var end = SessionEnd.Create(outcome.Reason, _timeProvider.GetUtcNow(), rejected.UserId, outcome.ErrorCode, Redact(outcome.Description, rejected));
        while (true)
        {
            var latest = await Store.GetAsync(sessionKey, CancellationToken.None).ConfigureAwait(false);
            if (latest is null)
            {
                // Another holder ended the session meanwhile: report its end (with its reason), else ours.
                var existing = await Store.GetEndAsync(sessionKey, CancellationToken.None).ConfigureAwait(false);
                throw ReportEnd(sessionKey, existing ?? end);
            }

            if (Session.RotatedSince(latest, rejected))
            {
                // Another process or instance rotated the session while ours was in flight: theirs is the live one.
                Log.RefreshAdopted(_logger, sessionKey, latest.Version);
                return latest;
            }

            if (await Store.TryEndAsync(sessionKey, latest, end, CancellationToken.None).ConfigureAwait(false))
            {
                throw ReportEnd(sessionKey, end);
            }
        }
    }

    /// <summary>
    /// Returns the exception for an ended session and, the first time this coordinator sees <paramref name="end"/>, logs it,
    /// counts it and raises <see cref="SessionEnded"/>.
    /// </summary>
    private SessionEndedException ReportEnd(string sessionKey, SessionEnd end)
    {
        if (MarkReported(sessionKey, end.Id))
        {
            Log.SessionEnded(_logger, sessionKey, end.Reason, end.ErrorCode, end.ErrorDescription);
            if (_telemetry.SessionsEnded.Enabled)
            {
                _telemetry.SessionsEnded.Add(1, new KeyValuePair<string, object?>("sessionkit.session.end_reason", end.Reason.ToString()));
            }

            Raise(SessionEnded, new SessionEndedEventArgs(sessionKey, end), nameof(SessionEnded));
        }

        return new SessionEndedException(end) { SessionKey = sessionKey };
    }

    /// <summary>Records that this coordinator reported <paramref name="endId"/> for the key; false when it already had.</summary>
    private bool MarkReported(string sessionKey, string endId)
    {
        while (true)
        {
            if (_reportedEnds.TryGetValue(sessionKey, out var previous))
            {
                if (string.Equals(previous, endId, StringComparison.Ordinal))
                {
                    return false;
                }

                if (_reportedEnds.TryUpdate(sessionKey, endId, previous))
                {
                    return true;
                }
            }
            else if (_reportedEnds.TryAdd(sessionKey, endId))
            {
                if (_reportedEnds.Count > RefreshDefaults.MaxReportedEnds)
                {
                    // Bounded memory: forget the older half (arbitrary order). At worst a long-forgotten end is reported again.
                    foreach (var stale in _reportedEnds.Keys.Take(RefreshDefaults.MaxReportedEnds / 2))
                    {
                        if (!string.Equals(stale, sessionKey, StringComparison.Ordinal))
                        {
                            _reportedEnds.TryRemove(stale, out _);
                        }
                    }
                }

                return true;
            }
        }
    }

    /// <summary>Gets how many keys this coordinator remembers an end of (for tests: it is bounded).</summary>
    internal int ReportedEndCount => _reportedEnds.Count;
}
