// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Tests.Support;

/// <summary>Counts requests passing through and the most that were in flight at once.</summary>
internal sealed class ConcurrencyCountingHandler : DelegatingHandler
{
    private int _inFlight;
    private int _max;
    private int _total;

    public ConcurrencyCountingHandler(HttpMessageHandler? inner = null)
    {
        InnerHandler = inner ?? new SocketsHttpHandler();
    }

    public int MaxInFlight => Volatile.Read(ref _max);

    public int Total => Volatile.Read(ref _total);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _total);
        var now = Interlocked.Increment(ref _inFlight);
        int max;
        while ((max = Volatile.Read(ref _max)) < now && Interlocked.CompareExchange(ref _max, now, max) != max)
        {
        }

        try
        {
            return await base.SendAsync(request, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
