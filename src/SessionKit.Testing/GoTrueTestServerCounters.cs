// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Collections.Concurrent;

namespace SessionKit.Testing;

/// <summary>What a <see cref="GoTrueTestServer"/> has seen. Thread-safe; read at any time.</summary>
public sealed class GoTrueTestServerCounters
{
    private readonly ConcurrentDictionary<string, long> _rejections = new(StringComparer.Ordinal);
    private long _refreshRequests;
    private long _refreshSuccesses;
    private long _passwordGrants;
    private long _apiRequests;
    private long _apiUnauthorized;
    private long _logouts;
    private long _faultsApplied;
    private int _refreshesInFlight;
    private int _maxRefreshesInFlight;

    /// <summary>Gets the number of refresh-grant requests received (every <c>POST /token?grant_type=refresh_token</c>).</summary>
    /// <value>The count.</value>
    public long RefreshRequests => Interlocked.Read(ref _refreshRequests);

    /// <summary>Gets the number of refresh-grant requests answered 200 (including those a fault then corrupted).</summary>
    /// <value>The count.</value>
    public long RefreshSuccesses => Interlocked.Read(ref _refreshSuccesses);

    /// <summary>Gets the number of successful password grants.</summary>
    /// <value>The count.</value>
    public long PasswordGrants => Interlocked.Read(ref _passwordGrants);

    /// <summary>Gets the number of requests to <c>/api/...</c>.</summary>
    /// <value>The count.</value>
    public long ApiRequests => Interlocked.Read(ref _apiRequests);

    /// <summary>Gets the number of <c>/api/...</c> requests answered 401.</summary>
    /// <value>The count.</value>
    public long ApiUnauthorized => Interlocked.Read(ref _apiUnauthorized);

    /// <summary>Gets the number of <c>/logout</c> requests answered 204.</summary>
    /// <value>The count.</value>
    public long Logouts => Interlocked.Read(ref _logouts);

    /// <summary>Gets the number of queued faults applied.</summary>
    /// <value>The count.</value>
    public long FaultsApplied => Interlocked.Read(ref _faultsApplied);

    /// <summary>Gets the number of refresh requests the server is processing now (arrived, not yet decided: a delay fault counts).</summary>
    /// <value>The count.</value>
    public int RefreshesInFlight => Volatile.Read(ref _refreshesInFlight);

    /// <summary>Gets the largest number of refresh requests the server was processing at the same moment.</summary>
    /// <value>The high-water mark; 1 for a client that never refreshes concurrently.</value>
    public int MaxConcurrentRefreshes => Volatile.Read(ref _maxRefreshesInFlight);

    /// <summary>Gets the refresh rejections by error code (<c>refresh_token_already_used</c>, ...).</summary>
    /// <value>A snapshot.</value>
    public IReadOnlyDictionary<string, long> Rejections => new Dictionary<string, long>(_rejections, StringComparer.Ordinal);

    /// <summary>Returns how many refresh requests were rejected with <paramref name="errorCode"/>.</summary>
    /// <param name="errorCode">The error code.</param>
    /// <returns>The count.</returns>
    public long RejectionsOf(string errorCode) => _rejections.TryGetValue(errorCode, out var count) ? count : 0;

    internal void RefreshRequest() => Interlocked.Increment(ref _refreshRequests);

    internal void RefreshStarted()
    {
        var now = Interlocked.Increment(ref _refreshesInFlight);
        int max;
        while ((max = Volatile.Read(ref _maxRefreshesInFlight)) < now && Interlocked.CompareExchange(ref _maxRefreshesInFlight, now, max) != max)
        {
        }
    }

    internal void RefreshEnded() => Interlocked.Decrement(ref _refreshesInFlight);

    internal void RefreshSuccess() => Interlocked.Increment(ref _refreshSuccesses);

    internal void PasswordGrant() => Interlocked.Increment(ref _passwordGrants);

    internal void ApiRequest() => Interlocked.Increment(ref _apiRequests);

    internal void ApiRejected() => Interlocked.Increment(ref _apiUnauthorized);

    internal void Logout() => Interlocked.Increment(ref _logouts);

    internal void FaultApplied() => Interlocked.Increment(ref _faultsApplied);

    internal void Rejection(string code) => _rejections.AddOrUpdate(code, 1, static (_, n) => n + 1);
}
