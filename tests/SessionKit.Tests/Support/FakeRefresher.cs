// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Collections.Concurrent;

namespace SessionKit.Tests.Support;

/// <summary>
/// An <see cref="ITokenRefresher"/> double: answers with a scripted function, records every refresh token it was sent, tracks
/// how many calls were in flight at once, and can hold calls at a gate.
/// </summary>
internal sealed class FakeRefresher : ITokenRefresher
{
    private readonly Func<Session, int, RefreshOutcome> _answer;
    private readonly ConcurrentQueue<string> _sent = new();
    private TaskCompletionSource _gate = CreateOpenGate();
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _calls;
    private int _inFlight;
    private int _maxInFlight;

    public FakeRefresher(Func<Session, int, RefreshOutcome>? answer = null)
    {
        _answer = answer ?? ((session, call) => RefreshOutcome.Succeeded(Next(session)));
    }

    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Gets or sets how the fake server treats a reuse; GoTrue-like (always forgiven) unless a test says otherwise.</summary>
    public TimeSpan RefreshTokenReuseWindow { get; set; } = Timeout.InfiniteTimeSpan;

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public IReadOnlyList<string> SentTokens => [.. _sent];

    public Task Arrived => _arrived.Task;

    /// <summary>Returns a session that follows <paramref name="session"/>, with fresh tokens.</summary>
    public static Session Next(Session session) => new()
    {
        AccessToken = TestJwt.Create(),
        RefreshToken = "rt-" + Guid.NewGuid().ToString("N")[..12],
        ExpiresAt = session.ExpiresAt + TimeSpan.FromHours(1),
    };

    public void CloseGate()
    {
        _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void OpenGate() => _gate.TrySetResult();

    public async Task<RefreshOutcome> RefreshAsync(Session session, CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref _calls);
        var inFlight = Interlocked.Increment(ref _inFlight);
        InterlockedMax(ref _maxInFlight, inFlight);
        try
        {
            _sent.Enqueue(session.RefreshToken!);
            _arrived.TrySetResult();
            await _gate.Task.WaitAsync(cancellationToken);
            return _answer(session, call);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private static TaskCompletionSource CreateOpenGate()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
