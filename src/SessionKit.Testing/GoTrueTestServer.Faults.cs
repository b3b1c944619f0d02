// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Text.Json;
using Microsoft.AspNetCore.Http;
using SessionKit.Testing.Internal;

namespace SessionKit.Testing;

/// <content>Faults injected into refresh requests: queued, random, and corrupted answers.</content>
public sealed partial class GoTrueTestServer
{
    /// <summary>Queues a fault for the next refresh request; faults are applied one per request, in order.</summary>
    /// <param name="fault">The fault.</param>
    /// <param name="count">How many consecutive refresh requests get it.</param>
    public void EnqueueRefreshFault(TokenEndpointFault fault, int count = 1)
    {
        ArgumentNullException.ThrowIfNull(fault);
        for (var i = 0; i < count; i++)
        {
            _faults.Enqueue(fault);
        }
    }

    /// <summary>
    /// Applies a fault picked at random from <paramref name="faults"/> to each refresh request with <paramref name="probability"/>,
    /// whenever no queued fault is waiting. Deterministic for a given <paramref name="seed"/> and request order.
    /// </summary>
    /// <param name="probability">The share of refresh requests that get a fault, from 0 to 1.</param>
    /// <param name="faults">The faults to choose from.</param>
    /// <param name="seed">The seed of the random choice.</param>
    public void SetRandomFaults(double probability, IReadOnlyList<TokenEndpointFault> faults, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(faults);
        ArgumentOutOfRangeException.ThrowIfLessThan(probability, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(probability, 1);
        lock (_randomGate)
        {
            _random = new Random(seed);
            _faultProbability = faults.Count == 0 ? 0 : probability;
            _randomFaults = [.. faults];
        }
    }

    /// <summary>Removes every queued fault and turns random faults off.</summary>
    public void ClearFaults()
    {
        _faults.Clear();
        lock (_randomGate)
        {
            _faultProbability = 0;
        }
    }

    private TokenEndpointFault? NextFault()
    {
        if (_faults.TryDequeue(out var queued))
        {
            return queued;
        }

        lock (_randomGate)
        {
            return _faultProbability > 0 && _random.NextDouble() < _faultProbability ? _randomFaults[_random.Next(_randomFaults.Length)] : null;
        }
    }

    private async Task WriteCorruptedAsync(HttpContext context, TokenEndpointFault fault, RefreshTokenRow issued)
    {
        if (await CorruptedAnswer.TryWriteAsync(context, fault, () => JsonSerializer.Serialize(SessionBody(issued))).ConfigureAwait(false))
        {
            return;
        }

        var response = context.Response;
        switch (fault.Kind)
        {
            case TokenEndpointFaultKind.MissingFields:
                await response.WriteAsync(JsonSerializer.Serialize(new { token_type = "bearer", expires_in = 3600, refresh_token = issued.Token })).ConfigureAwait(false);
                return;
            case TokenEndpointFaultKind.WrongTypes:
                await response.WriteAsync(JsonSerializer.Serialize(new { access_token = CreateAccessToken(issued.Session), token_type = "bearer", expires_in = new { seconds = 3600 }, refresh_token = 12345 })).ConfigureAwait(false);
                return;
            case TokenEndpointFaultKind.MalformedAccessToken:
                var body = SessionBody(issued);
                body["access_token"] = "not-a.jwt";
                await response.WriteAsync(JsonSerializer.Serialize(body)).ConfigureAwait(false);
                return;
        }
    }
}
