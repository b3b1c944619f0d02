// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Diagnostics;

namespace SessionKit.RedisWorker;

/// <summary>Lets the token endpoint answer (the server has rotated), then SIGKILLs the process before the answer is stored.</summary>
internal sealed class KillAfterResponseHandler : DelegatingHandler
{
    public KillAfterResponseHandler()
        : base(new SocketsHttpHandler())
    {
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            Process.GetCurrentProcess().Kill();
        }

        return response;
    }
}
