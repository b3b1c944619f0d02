// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using SessionKit.Tests.Support;

namespace SessionKit.Tests.Handler;

/// <summary>
/// The hot path (a valid cached session) allocates nothing beyond a handler that sets a fixed header: counted with
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/> over many requests, never timed.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class SessionHandlerAllocationTests
{
    private const int Iterations = 20_000;
    private static readonly Uri Target = new("https://api.example.test/orders/42");

    [Test]
    public async Task SendAsync_ValidSession_AllocatesNothingBeyondFixedHeaderFloor()
    {
        var terminal = new CompletedHandler();
        using var floor = new HttpMessageInvoker(new FixedHeaderHandler { InnerHandler = terminal }, disposeHandler: false);
        var store = new InMemoryTokenStore();
        await store.SetAsync("default", new Session { AccessToken = TestJwt.Create(), RefreshToken = "r", ExpiresAt = DateTimeOffset.MaxValue.AddDays(-1) }, CancellationToken.None);
        using var coordinator = new RefreshCoordinator(store, new FakeRefresher());
        var options = new SessionHandlerOptions();
        options.AllowedOrigins.Add(new Uri("https://api.example.test"));
        using var sut = new HttpMessageInvoker(new SessionHandler(coordinator, options) { InnerHandler = terminal }, disposeHandler: false);

        var floorBytes = Measure(floor);
        var sutBytes = Measure(sut);

        TestContext.Out.WriteLine($"bytes per request: floor {floorBytes:0.0}, SessionHandler {sutBytes:0.0}");
        Assert.Multiple(() =>
        {
            Assert.That(terminal.LastAuthorization?.Scheme, Is.EqualTo("Bearer"));
            Assert.That(sutBytes - floorBytes, Is.LessThanOrEqualTo(0.5), "SessionKit's own allocations per request");
        });
    }

    [Test]
    public async Task SendAsync_OtherOrigin_AllocatesNothingBeyondFloor()
    {
        var terminal = new CompletedHandler();
        using var floor = new HttpMessageInvoker(new PassThroughHandler { InnerHandler = terminal }, disposeHandler: false);
        var store = new InMemoryTokenStore();
        await store.SetAsync("default", new Session { AccessToken = TestJwt.Create(), ExpiresAt = DateTimeOffset.MaxValue }, CancellationToken.None);
        using var coordinator = new RefreshCoordinator(store, new FakeRefresher());
        var options = new SessionHandlerOptions();
        options.AllowedOrigins.Add(new Uri("https://elsewhere.example.test"));
        using var sut = new HttpMessageInvoker(new SessionHandler(coordinator, options) { InnerHandler = terminal }, disposeHandler: false);

        var floorBytes = Measure(floor);
        var sutBytes = Measure(sut);

        Assert.That(sutBytes - floorBytes, Is.LessThanOrEqualTo(0.5));
    }

    private static double Measure(HttpMessageInvoker invoker)
    {
        for (var i = 0; i < 1000; i++)
        {
            Send(invoker);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Iterations; i++)
        {
            Send(invoker);
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Iterations;
    }

    private static void Send(HttpMessageInvoker invoker)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Target);
        var task = invoker.SendAsync(request, CancellationToken.None);
        if (!task.IsCompletedSuccessfully || task.Result.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException("the in-memory pipeline must complete synchronously");
        }
    }

    private sealed class CompletedHandler : HttpMessageHandler
    {
        private readonly Task<HttpResponseMessage> _ok = Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));

        public AuthenticationHeaderValue? LastAuthorization { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            LastAuthorization = request.Headers.Authorization;
            return _ok;
        }
    }

    private sealed class FixedHeaderHandler : DelegatingHandler
    {
        private readonly AuthenticationHeaderValue _header = new("Bearer", TestJwt.Create());

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Authorization = _header;
            return base.SendAsync(request, cancellationToken);
        }
    }

    private sealed class PassThroughHandler : DelegatingHandler
    {
    }
}
