// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Tests.Support;

/// <summary>
/// A handler that lets a test stop requests at a known point: <see cref="Arrived"/> completes when a request reaches it,
/// and the request waits for <see cref="Release"/>, either before it is sent or after its response arrived.
/// </summary>
internal sealed class GatedHandler : DelegatingHandler
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _calls;

    public GatedHandler(bool holdAfterResponse, HttpMessageHandler? inner = null)
    {
        HoldAfterResponse = holdAfterResponse;
        InnerHandler = inner ?? new SocketsHttpHandler();
    }

    public bool HoldAfterResponse { get; }

    /// <summary>Gets or sets a value indicating whether requests are held; when false they pass straight through.</summary>
    public bool Enabled { get; set; } = true;

    public Task Arrived => _arrived.Task;

    public int Calls => Volatile.Read(ref _calls);

    public void Release() => _gate.TrySetResult();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        if (!Enabled)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        if (!HoldAfterResponse)
        {
            _arrived.TrySetResult();
            await _gate.Task;
            return await base.SendAsync(request, cancellationToken);
        }

        var response = await base.SendAsync(request, cancellationToken);
        _arrived.TrySetResult();
        await _gate.Task;
        return response;
    }
}
