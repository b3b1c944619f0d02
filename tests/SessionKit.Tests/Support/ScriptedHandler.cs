// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Collections.Concurrent;

namespace SessionKit.Tests.Support;

/// <summary>
/// A terminal handler that answers with a script and records, for every request, what went on the wire: method, URI
/// (with its fragment), <c>Authorization</c> and body. Never follows redirects.
/// </summary>
internal sealed class ScriptedHandler : HttpMessageHandler
{
    private readonly Func<HttpRequestMessage, int, HttpResponseMessage> _answer;
    private readonly ConcurrentQueue<SentRequest> _sent = new();
    private int _calls;

    public ScriptedHandler(Func<HttpRequestMessage, int, HttpResponseMessage> answer)
    {
        _answer = answer;
    }

    public IReadOnlyList<SentRequest> Sent => [.. _sent];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        _sent.Enqueue(new SentRequest(request.Method, request.RequestUri!, request.Headers.Authorization?.ToString(), body));
        var response = _answer(request, Interlocked.Increment(ref _calls));
        response.RequestMessage ??= request;
        return response;
    }
}
