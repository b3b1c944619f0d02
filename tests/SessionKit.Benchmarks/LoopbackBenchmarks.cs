// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SessionKit.Benchmarks;

/// <summary>
/// Requests through <see cref="HttpClient"/> to a Kestrel endpoint on 127.0.0.1 (in the same process, so the server's work and
/// allocations are in the figures too): without a handler, with a handler that sets a fixed Authorization header (the cost of
/// carrying a token at all), and with the session handler.
/// </summary>
[MemoryDiagnoser(displayGenColumns: false)]
[SimpleJob(warmupCount: 5, iterationCount: 20)]
public class LoopbackBenchmarks
{
    private const int Batch = 64;
    private WebApplication _app = null!;
    private HttpClient _plain = null!;
    private HttpClient _fixedHeader = null!;
    private HttpClient _withSession = null!;

    [GlobalSetup]
    public void Setup()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.MapGet("/api/{id}", (HttpContext context) => context.Request.Headers.Authorization.Count > 0 ? "ok" : "anonymous");
        _app.StartAsync().GetAwaiter().GetResult();
        var baseAddress = new Uri(_app.Urls.First() + "/");

        _plain = new HttpClient(new SocketsHttpHandler()) { BaseAddress = baseAddress };
        _fixedHeader = new HttpClient(new FixedHeaderHandler { InnerHandler = new SocketsHttpHandler() }) { BaseAddress = baseAddress };
        var store = new InMemoryTokenStore();
        store.SetAsync("default", new Session { AccessToken = Fixtures.NewAccessToken(), RefreshToken = "rt", ExpiresAt = DateTimeOffset.UtcNow.AddDays(1) }, CancellationToken.None).AsTask().Wait();
        var coordinator = new RefreshCoordinator(store, new GoTrueTokenClient(new HttpClient(), new GoTrueOptions { AuthUrl = Fixtures.AuthUrl }));
        var options = new SessionHandlerOptions();
        options.AllowedOrigins.Add(baseAddress);
        _withSession = new HttpClient(new SessionHandler(coordinator, options) { InnerHandler = new SocketsHttpHandler() }) { BaseAddress = baseAddress };
    }

    [GlobalCleanup]
    public void Cleanup() => _app.StopAsync().GetAwaiter().GetResult();

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch, Description = "HttpClient, no handler")]
    public Task Plain() => SendBatchAsync(_plain);

    [Benchmark(OperationsPerInvoke = Batch, Description = "HttpClient + fixed Authorization header")]
    public Task FixedHeader() => SendBatchAsync(_fixedHeader);

    [Benchmark(OperationsPerInvoke = Batch, Description = "HttpClient + SessionHandler")]
    public Task WithSessionHandler() => SendBatchAsync(_withSession);

    private static async Task SendBatchAsync(HttpClient client)
    {
        var requests = new Task<HttpResponseMessage>[Batch];
        for (var i = 0; i < Batch; i++)
        {
            requests[i] = client.GetAsync("api/1");
        }

        foreach (var response in await Task.WhenAll(requests).ConfigureAwait(false))
        {
            response.Dispose();
        }
    }
}
