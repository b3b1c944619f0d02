// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Browser.Tests.Support;

/// <summary>The sample host's <c>/_demo/counters</c>: what its token server and API saw since the last reset.</summary>
internal sealed record DemoCounters(
    long RefreshRequests,
    long RefreshSuccesses,
    long RefreshTokenAlreadyUsed,
    IReadOnlyDictionary<string, long> Rejections,
    long PasswordGrants,
    long Logouts,
    long ApiRequests,
    long ApiUnauthorized,
    long FaultsApplied,
    int RefreshesInFlight)
{
    public override string ToString() =>
        $"refresh requests {RefreshRequests}, successes {RefreshSuccesses}, refresh_token_already_used {RefreshTokenAlreadyUsed}, "
        + $"other rejections [{string.Join(", ", Rejections.Where(r => r.Value != 0).Select(r => $"{r.Key}={r.Value}"))}], "
        + $"API requests {ApiRequests}, API 401s {ApiUnauthorized}, password grants {PasswordGrants}, logouts {Logouts}";
}
