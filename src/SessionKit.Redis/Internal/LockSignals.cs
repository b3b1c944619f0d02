// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Collections.Concurrent;

namespace SessionKit.Redis.Internal;

/// <summary>
/// Wake-ups for lock waiters, per session key, fed by the store's pub/sub channel: a waiter takes the key's current signal
/// before trying the lock, and the signal fires when any instance releases the lock or changes the session.
/// </summary>
internal sealed class LockSignals
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _signals = new(StringComparer.Ordinal);

    /// <summary>Gets how many keys have a pending signal (for tests: freed when waiters leave).</summary>
    public int Count => _signals.Count;

    /// <summary>Returns the signal that fires on the next change of <paramref name="sessionKey"/>.</summary>
    public TaskCompletionSource Current(string sessionKey) =>
        _signals.GetOrAdd(sessionKey, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>Fires the signal of <paramref name="sessionKey"/>, if anyone waits on it.</summary>
    public void Fire(string sessionKey)
    {
        if (_signals.TryRemove(sessionKey, out var signal))
        {
            signal.TrySetResult();
        }
    }

    /// <summary>Fires every signal (the channel was lost or restored: a message may have been missed).</summary>
    public void FireAll()
    {
        foreach (var key in _signals.Keys)
        {
            Fire(key);
        }
    }

    /// <summary>Forgets <paramref name="signal"/> when its waiter leaves, unless it was replaced.</summary>
    public void Leave(string sessionKey, TaskCompletionSource signal) =>
        _signals.TryRemove(new KeyValuePair<string, TaskCompletionSource>(sessionKey, signal));
}
