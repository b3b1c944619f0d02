// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net.Http.Headers;

namespace SessionKit.Benchmarks;

/// <summary>The floor: a handler that sets a fixed, pre-built Authorization header.</summary>
internal sealed class FixedHeaderHandler : DelegatingHandler
{
    private readonly AuthenticationHeaderValue _header = new("Bearer", Fixtures.NewAccessToken());

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = _header;
        return base.SendAsync(request, cancellationToken);
    }
}
