// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Collections.Concurrent;

namespace SessionKit.Tests.OAuth2;

/// <summary>Passes refreshes to a real token client and records the outcomes the coordinator got.</summary>
internal sealed class RecordingRefresher(ITokenRefresher inner) : ITokenRefresher
{
    private readonly ConcurrentQueue<RefreshOutcome> _outcomes = new();

    public IReadOnlyList<RefreshOutcome> Outcomes => [.. _outcomes];

    public async Task<RefreshOutcome> RefreshAsync(Session session, CancellationToken cancellationToken)
    {
        var outcome = await inner.RefreshAsync(session, cancellationToken);
        _outcomes.Enqueue(outcome);
        return outcome;
    }
}
