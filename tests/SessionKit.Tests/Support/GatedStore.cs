// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Tests.Support;

/// <summary>An in-memory store whose compare-and-swap writes can be held at a gate.</summary>
internal sealed class GatedStore : ITokenStore, IRefreshLock
{
    private readonly InMemoryTokenStore _inner = new();
    private TaskCompletionSource _gate = Open();
    private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task ReplaceArrived => _arrived.Task;

    public void HoldReplaces() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void ReleaseReplaces() => _gate.TrySetResult();

    public ValueTask<Session?> GetAsync(string key, CancellationToken cancellationToken) => _inner.GetAsync(key, cancellationToken);

    public ValueTask SetAsync(string key, Session session, CancellationToken cancellationToken) => _inner.SetAsync(key, session, cancellationToken);

    public async ValueTask<bool> TryReplaceAsync(string key, Session? expected, Session? replacement, CancellationToken cancellationToken)
    {
        _arrived.TrySetResult();
        await _gate.Task;
        return await _inner.TryReplaceAsync(key, expected, replacement, cancellationToken);
    }

    public ValueTask RemoveAsync(string key, CancellationToken cancellationToken) => _inner.RemoveAsync(key, cancellationToken);

    public ValueTask<SessionEnd?> GetEndAsync(string key, CancellationToken cancellationToken) => _inner.GetEndAsync(key, cancellationToken);

    public ValueTask<bool> TryEndAsync(string key, Session expected, SessionEnd end, CancellationToken cancellationToken) => _inner.TryEndAsync(key, expected, end, cancellationToken);

    public ValueTask<IAsyncDisposable> AcquireRefreshLockAsync(string sessionKey, CancellationToken cancellationToken) => _inner.AcquireRefreshLockAsync(sessionKey, cancellationToken);

    private static TaskCompletionSource Open()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }
}
