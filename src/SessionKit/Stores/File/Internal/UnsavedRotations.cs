// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Internal;

/// <summary>
/// Rotations the server made that the store file could not take yet (a full disk, a read-only mount, a lock held too long).
/// Each is kept with the session it replaces in the file (its basis) and applied at the next write, as long as the file
/// still holds that basis; if the file moved on (another process rotated or signed in), the file wins. Thread-safe.
/// </summary>
internal sealed class UnsavedRotations
{
    private readonly Dictionary<string, (Session Basis, Session Replacement)> _entries = new(StringComparer.Ordinal);
    private volatile int _count;

    /// <summary>Gets a value indicating whether any rotation waits (a lock-free check for the read path).</summary>
    public bool Any => _count > 0;

    public Session? Get(string key)
    {
        if (_count == 0)
        {
            return null;
        }

        lock (_entries)
        {
            return _entries.TryGetValue(key, out var entry) ? entry.Replacement : null;
        }
    }

    /// <summary>Keeps <paramref name="replacement"/> for <paramref name="key"/>, which replaced <paramref name="expected"/>.</summary>
    public void Keep(string key, Session expected, Session replacement)
    {
        lock (_entries)
        {
            // A rotation of a rotation still waiting: the file holds the first one's basis.
            var basis = _entries.TryGetValue(key, out var entry) && Session.SameTokens(entry.Replacement, expected) ? entry.Basis : expected;
            _entries[key] = (basis, replacement);
            _count = _entries.Count;
        }
    }

    /// <summary>Applies the waiting rotations whose basis <paramref name="sessions"/> (the file) still holds; returns their keys.</summary>
    public List<string> ApplyTo(Dictionary<string, Session> sessions, Dictionary<string, SessionEnd> ends)
    {
        var applied = new List<string>();
        if (_count == 0)
        {
            return applied;
        }

        lock (_entries)
        {
            foreach (var (key, (basis, replacement)) in _entries.ToArray())
            {
                if (Session.SameTokens(sessions.GetValueOrDefault(key), basis))
                {
                    sessions[key] = replacement;
                    ends.Remove(key);
                    applied.Add(key);
                }
                else
                {
                    _entries.Remove(key);
                }
            }

            _count = _entries.Count;
        }

        return applied;
    }

    /// <summary>Forgets the rotations now written, unless a newer one for the same key arrived meanwhile.</summary>
    public void Written(List<string> keys, Dictionary<string, Session> written)
    {
        if (keys.Count == 0)
        {
            return;
        }

        lock (_entries)
        {
            foreach (var key in keys)
            {
                if (_entries.TryGetValue(key, out var entry) && Session.SameTokens(entry.Replacement, written.GetValueOrDefault(key)))
                {
                    _entries.Remove(key);
                }
            }

            _count = _entries.Count;
        }
    }
}
