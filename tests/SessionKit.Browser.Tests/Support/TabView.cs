// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Browser.Tests.Support;

/// <summary>What one tab of the sample shows.</summary>
/// <param name="State"><c>signed-in</c>, <c>signed-out</c> or <c>loading</c>.</param>
/// <param name="Since">When the tab entered <paramref name="State"/>, in Unix milliseconds by the browser's clock.</param>
/// <param name="TabId">The browser store's id of the tab.</param>
/// <param name="Version">The session version, while signed in.</param>
/// <param name="ApiOk">API calls answered 200 since this tab signed in or loaded.</param>
/// <param name="Api401">API calls answered 401.</param>
/// <param name="ApiErrors">API calls that failed otherwise.</param>
/// <param name="RefreshesSent">Refresh requests this tab sent to the token endpoint.</param>
/// <param name="Refreshing">Whether this tab is waiting for the token endpoint's answer to a refresh.</param>
/// <param name="EndReason">Why the session ended, once it has.</param>
internal sealed record TabView(string State, long Since, string TabId, long? Version, long ApiOk, long Api401, long ApiErrors, long RefreshesSent, bool Refreshing, string? EndReason)
{
    public override string ToString() =>
        $"tab {TabId}: {State}, version {Version?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}, API ok {ApiOk} / 401 {Api401} / errors {ApiErrors}, refreshes sent {RefreshesSent}"
        + (EndReason is null ? string.Empty : $", ended: {EndReason}");
}
