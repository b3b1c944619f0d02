// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit;

/// <content>The storm guard: a session obtained by a refresh moments ago is not refreshed again.</content>
public sealed partial class RefreshCoordinator
{
    /// <summary>How many storm-guard entries may accumulate before expired ones are swept.</summary>
    private const int RecentSweepThreshold = 256;

    private long _recentScanned;

    // When the next sweep is due: once the table outgrows this size, or once a window has passed since the last sweep.
    private int _recentSweepSize = RecentSweepThreshold;
    private long _recentSweptAt;
    private int _recentSweeping;

    /// <summary>
    /// The storm guard: a session obtained by a refresh moments ago is not refreshed again while its access token is valid.
    /// Sign-in sessions (version 0) are never held back. The age is measured by the monotonic clock when this coordinator
    /// obtained the session itself, so a wall clock stepped back cannot stretch the window; for a session another holder stored,
    /// by its <see cref="Session.IssuedAt"/>, and only when that lies in the past.
    /// </summary>
    private bool IsTooRecentToRefresh(string sessionKey, Session session)
    {
        if (session.Version == 0 || _options.MinimumRefreshInterval <= TimeSpan.Zero)
        {
            return false;
        }

        // A session issued already expiring (the server sent expires_in 0 and no JWT exp) is held back too: refreshing it
        // again at once would only bring another such session, in a loop.
        var issuedExpiring = session.IssuedAt is { } issued && session.ExpiresAt <= issued;
        // Never hold back longer than half the token's lifetime, so short-lived tokens still refresh ahead of expiry.
        var window = session.CappedAtHalfLifetime(_options.MinimumRefreshInterval);

        TimeSpan age;
        if (_recent.TryGetValue(sessionKey, out var recent) && Session.SameTokens(recent.Session, session))
        {
            // Real time since this coordinator stored it, immune to the wall clock being stepped back. When the wall clock
            // says it is older (it was received a moment before it was stored), take that: the handler judges expiry by the
            // wall clock, and the guard must never hold back a session the handler already sees as expiring.
            age = _timeProvider.GetElapsedTime(recent.ObtainedAt);
            if (session.IssuedAt is { } received && _timeProvider.GetUtcNow() - received is var wallAge && wallAge > age)
            {
                age = wallAge;
            }
        }
        else if (session.IssuedAt is { } issuedAt)
        {
            age = _timeProvider.GetUtcNow() - issuedAt;
            if (age < TimeSpan.Zero)
            {
                // Issued "in the future": the wall clock was stepped back since. Not a reason to hold anything back.
                return false;
            }
        }
        else
        {
            return false;
        }

        return age < window && (issuedExpiring || _timeProvider.GetUtcNow() < session.ExpiresAt);
    }

    /// <summary>Gets how many storm-guard entries this coordinator remembers now (for tests: it is bounded).</summary>
    internal int RecentCount => _recent.Count;

    /// <summary>Gets how many storm-guard entries the sweeps have looked at so far (for tests: linear in the refreshes).</summary>
    internal long RecentEntriesScanned => Interlocked.Read(ref _recentScanned);

    /// <summary>Remembers, by the monotonic clock, that this coordinator obtained <paramref name="session"/> for the storm guard.</summary>
    private void RememberObtained(string sessionKey, Session session)
    {
        _recent[sessionKey] = (session, _timeProvider.GetTimestamp());

        // Entries older than the longest window hold nothing back any more. Many keys refreshed within one window (a server
        // acting for many users) would make a sweep at every refresh cost O(keys): the next one waits until the table doubled
        // or a window has passed, so sweeps cost O(1) per refresh on average and stale entries go at the next refresh after a
        // window. One sweep at a time: refreshes that finish together must not each sweep the same table.
        if (!SweepDue() || Interlocked.CompareExchange(ref _recentSweeping, 1, 0) != 0)
        {
            return;
        }

        try
        {
            if (!SweepDue())
            {
                return;
            }

            Interlocked.Exchange(ref _recentSweptAt, _timeProvider.GetTimestamp());
            var scanned = 0L;
            foreach (var entry in _recent)
            {
                scanned++;
                if (_timeProvider.GetElapsedTime(entry.Value.ObtainedAt) >= _options.MinimumRefreshInterval)
                {
                    _recent.TryRemove(entry);
                }
            }

            Interlocked.Add(ref _recentScanned, scanned);
            Volatile.Write(ref _recentSweepSize, Math.Max(RecentSweepThreshold, 2 * _recent.Count));
        }
        finally
        {
            Volatile.Write(ref _recentSweeping, 0);
        }
    }

    private bool SweepDue()
    {
        var count = _recent.Count;
        return count > RecentSweepThreshold
            && (count > Volatile.Read(ref _recentSweepSize) || _timeProvider.GetElapsedTime(Interlocked.Read(ref _recentSweptAt)) >= _options.MinimumRefreshInterval);
    }
}
