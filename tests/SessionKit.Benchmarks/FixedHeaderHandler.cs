// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net.Http.Headers;

namespace SessionKit.Benchmarks;

/// <summary>
/// The floor: a handler that sets a fixed, pre-built Authorization header (a fresh JWT-shaped token unless one is given, e.g.
/// by the herd's baseline after its one token call).
/// </summary>
internal sealed class FixedHeaderHandler : DelegatingHandler
{
    public AuthenticationHeaderValue Header { get; set; } = new("Bearer", Fixtures.NewAccessToken());

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = Header;
        return base.SendAsync(request, cancellationToken);
    }
}
