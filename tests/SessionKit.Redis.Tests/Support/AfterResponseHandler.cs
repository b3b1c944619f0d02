// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Redis.Tests.Support;

/// <summary>Runs an action once, after the token endpoint has answered 200 (the server rotated) and before the coordinator stores it.</summary>
internal sealed class AfterResponseHandler(Func<Task> action) : DelegatingHandler(new SocketsHttpHandler())
{
    private int _done;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode && Interlocked.Exchange(ref _done, 1) == 0)
        {
            await action();
        }

        return response;
    }
}
