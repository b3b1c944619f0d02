// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Samples.Blazor;

/// <summary>
/// Sits on SessionKit's token-endpoint client and tells <see cref="TabActivity"/> when this tab sends a refresh and when the
/// answer arrives, so the page can show which tab is refreshing. It only watches: requests and answers pass unchanged.
/// </summary>
internal sealed class TokenCallWatcher(TabActivity activity) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri?.Query.Contains("grant_type=refresh_token", StringComparison.Ordinal) != true)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        activity.RefreshSent();
        try
        {
            return await base.SendAsync(request, cancellationToken);
        }
        finally
        {
            activity.RefreshAnswered();
        }
    }
}
