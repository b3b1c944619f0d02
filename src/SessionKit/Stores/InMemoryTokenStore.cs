// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Collections.Concurrent;

namespace SessionKit;

/// <summary>
/// An <see cref="ITokenStore"/> that keeps sessions in process memory. Reads are lock-free and allocation-free;
/// compare-and-swap uses <see cref="ConcurrentDictionary{TKey, TValue}"/>'s atomic update.
/// </summary>
/// <remarks>Sessions are lost when the process exits. Register it as a singleton (the default of <c>AddSessionKit</c>).</remarks>
public sealed class InMemoryTokenStore : ITokenStore
{
    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    public ValueTask<Session?> GetAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new(_sessions.TryGetValue(key, out var session) ? session : null);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> or <paramref name="session"/> is <see langword="null"/>.</exception>
    public ValueTask SetAsync(string key, Session session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(session);
        _sessions[key] = session;
        return default;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    public ValueTask<bool> TryReplaceAsync(string key, Session? expected, Session? replacement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        while (true)
        {
            var found = _sessions.TryGetValue(key, out var current);
            if (!found)
            {
                if (expected is not null)
                {
                    return new(false);
                }

                if (replacement is null || _sessions.TryAdd(key, replacement))
                {
                    return new(true);
                }

                continue;
            }

            if (!Session.SameTokens(current, expected))
            {
                return new(false);
            }

            var swapped = replacement is null
                ? _sessions.TryRemove(new KeyValuePair<string, Session>(key, current!))
                : _sessions.TryUpdate(key, replacement, current!);
            if (swapped)
            {
                return new(true);
            }
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is <see langword="null"/>.</exception>
    public ValueTask RemoveAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        _sessions.TryRemove(key, out _);
        return default;
    }
}
