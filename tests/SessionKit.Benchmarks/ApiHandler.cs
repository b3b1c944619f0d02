// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;

namespace SessionKit.Benchmarks;

/// <summary>The API: answers synchronously, 200 for the currently valid token (or any, when none is set), 401 otherwise.</summary>
internal sealed class ApiHandler : HttpMessageHandler
{
    private readonly Task<HttpResponseMessage> _ok = Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));

    public string? ValidToken { get; set; }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var valid = ValidToken;
        return valid is null || request.Headers.Authorization?.Parameter == valid
            ? _ok
            : Task.FromResult(new HttpResponseMessage(HttpStatusCode.Unauthorized));
    }
}
