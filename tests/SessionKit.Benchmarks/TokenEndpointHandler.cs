// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;
using System.Text;

namespace SessionKit.Benchmarks;

/// <summary>The token endpoint: answers every refresh after a fixed delay with a new access token, and counts calls.</summary>
internal sealed class TokenEndpointHandler(TimeSpan delay, ApiHandler api) : HttpMessageHandler
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public void Reset() => Interlocked.Exchange(ref _calls, 0);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        var access = Fixtures.NewAccessToken();
        api.ValidToken = access;
        var body = $"{{\"access_token\":\"{access}\",\"token_type\":\"bearer\",\"expires_in\":3600,\"refresh_token\":\"rt{Calls:D10}\"}}";
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
    }
}
