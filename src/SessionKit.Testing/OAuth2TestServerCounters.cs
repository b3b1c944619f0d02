// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Testing;

/// <summary>What an <see cref="OAuth2TestServer"/> has seen. Thread-safe; read at any time.</summary>
public sealed class OAuth2TestServerCounters
{
    private long _refreshRequests;
    private long _refreshSuccesses;
    private long _invalidGrants;
    private long _reusesDetected;
    private long _revokedGrants;
    private long _passwordGrants;
    private long _revocationRequests;
    private long _clientAuthenticationFailures;
    private long _apiRequests;
    private long _apiUnauthorized;
    private long _faultsApplied;
    private int _refreshesInFlight;
    private int _maxRefreshesInFlight;

    /// <summary>Gets the number of refresh-grant requests received.</summary>
    /// <value>The count.</value>
    public long RefreshRequests => Interlocked.Read(ref _refreshRequests);

    /// <summary>Gets the number of refresh-grant requests that issued tokens (including those a fault then corrupted or dropped).</summary>
    /// <value>The count.</value>
    public long RefreshSuccesses => Interlocked.Read(ref _refreshSuccesses);

    /// <summary>Gets the number of refresh-grant requests answered <c>invalid_grant</c>.</summary>
    /// <value>The count.</value>
    public long InvalidGrants => Interlocked.Read(ref _invalidGrants);

    /// <summary>Gets the number of refresh requests that presented an already-redeemed refresh token (within the leeway or not).</summary>
    /// <value>The count.</value>
    public long ReusesDetected => Interlocked.Read(ref _reusesDetected);

    /// <summary>Gets the number of grants (token families) revoked, by detected reuse, by RFC 7009 revocation of a refresh token, or by <see cref="OAuth2TestServer.RevokeGrant"/>.</summary>
    /// <value>The count.</value>
    public long RevokedGrants => Interlocked.Read(ref _revokedGrants);

    /// <summary>Gets the number of refresh requests the server is processing now (arrival to decision).</summary>
    /// <value>The count.</value>
    public int RefreshesInFlight => Volatile.Read(ref _refreshesInFlight);

    /// <summary>Gets the largest number of refresh requests the server was processing at the same moment.</summary>
    /// <value>The high-water mark; 1 for a client that never refreshes concurrently.</value>
    public int MaxConcurrentRefreshes => Volatile.Read(ref _maxRefreshesInFlight);

    /// <summary>Gets the number of successful password grants.</summary>
    /// <value>The count.</value>
    public long PasswordGrants => Interlocked.Read(ref _passwordGrants);

    /// <summary>Gets the number of requests to the revocation endpoint that authenticated.</summary>
    /// <value>The count.</value>
    public long RevocationRequests => Interlocked.Read(ref _revocationRequests);

    /// <summary>Gets the number of token or revocation requests refused with <c>invalid_client</c>.</summary>
    /// <value>The count.</value>
    public long ClientAuthenticationFailures => Interlocked.Read(ref _clientAuthenticationFailures);

    /// <summary>Gets the number of requests to <c>/api/...</c>.</summary>
    /// <value>The count.</value>
    public long ApiRequests => Interlocked.Read(ref _apiRequests);

    /// <summary>Gets the number of <c>/api/...</c> requests answered 401.</summary>
    /// <value>The count.</value>
    public long ApiUnauthorized => Interlocked.Read(ref _apiUnauthorized);

    /// <summary>Gets the number of faults applied to refresh requests.</summary>
    /// <value>The count.</value>
    public long FaultsApplied => Interlocked.Read(ref _faultsApplied);

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

    internal void InvalidGrant() => Interlocked.Increment(ref _invalidGrants);

    internal void ReuseDetected() => Interlocked.Increment(ref _reusesDetected);

    internal void GrantRevoked() => Interlocked.Increment(ref _revokedGrants);

    internal void PasswordGrant() => Interlocked.Increment(ref _passwordGrants);

    internal void RevocationRequest() => Interlocked.Increment(ref _revocationRequests);

    internal void ClientAuthenticationFailure() => Interlocked.Increment(ref _clientAuthenticationFailures);

    internal void ApiRequest() => Interlocked.Increment(ref _apiRequests);

    internal void ApiRejected() => Interlocked.Increment(ref _apiUnauthorized);

    internal void FaultApplied() => Interlocked.Increment(ref _faultsApplied);
}
