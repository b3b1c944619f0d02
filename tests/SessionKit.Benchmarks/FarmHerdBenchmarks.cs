// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.DataProtection;
using SessionKit.Redis;
using StackExchange.Redis;

namespace SessionKit.Benchmarks;

/// <summary>
/// The farm herd: one expired session in a shared redis-server (started on a free loopback port for the run), and N concurrent
/// requests on each of 4 instances (each its own <see cref="ConnectionMultiplexer"/>, <see cref="RedisTokenStore"/>,
/// <see cref="RefreshCoordinator"/> and <see cref="SessionHandler"/>; one Data Protection key ring), against one instance's herd
/// of N in the same run, and one instance's herd of 4 × N (the control: the same CPU work without the farm). The token endpoint
/// answers in 20 ms. Time until the last response, and the token calls ("Token calls").
/// </summary>
[MemoryDiagnoser(displayGenColumns: false)]
[Config(typeof(TokenCallsConfig))]
[MedianColumn]
[WarmupCount(10)]
[IterationCount(30)]
public class FarmHerdBenchmarks
{
    public const int Instances = 4;
    private const string SessionKey = "default";

    private readonly List<FarmInstance> _farm = [];
    private LocalRedisServer _server = null!;
    private ApiHandler _api = null!;
    private TokenEndpointHandler _tokens = null!;

    /// <summary>Gets or sets the concurrent requests per instance.</summary>
    [Params(1_000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _server = LocalRedisServer.Start("sessionkit-bench-farm-");
        _api = new ApiHandler();
        _tokens = new TokenEndpointHandler(HerdBenchmarks.TokenDelay, _api);
        var keyRing = new EphemeralDataProtectionProvider();
        for (var i = 0; i < Instances; i++)
        {
            _farm.Add(new FarmInstance(_server.Endpoint, keyRing, _tokens, _api));
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var instance in _farm)
        {
            instance.Dispose();
        }

        _server.Dispose();
    }

    [IterationSetup]
    public void ExpireSession()
    {
        _tokens.Reset();
        var stale = Fixtures.NewAccessToken();
        _api.ValidToken = "not-" + stale;
        var expired = new Session { AccessToken = stale, RefreshToken = "rt-stale-" + stale.GetHashCode(StringComparison.Ordinal), ExpiresAt = DateTimeOffset.UtcNow.AddSeconds(-1) };
        _farm[0].Store.SetAsync(SessionKey, expired, CancellationToken.None).AsTask().Wait();
    }

    [Benchmark(Baseline = true, Description = "1 instance × N requests")]
    public async Task SingleInstanceHerd()
    {
        var invoker = _farm[0].Invoker;
        var requests = new Task<HttpResponseMessage>[N];
        for (var j = 0; j < N; j++)
        {
            requests[j] = invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, Fixtures.ApiUri), CancellationToken.None);
        }

        await CompleteAsync(requests).ConfigureAwait(false);
        Record(nameof(SingleInstanceHerd));
    }

    /// <summary>The control: the farm's request count on one instance, so the farm's cost of coordination shows apart from the
    /// CPU its 4 × N requests need (the 4 instances share this machine's cores; a real farm has a machine per instance).</summary>
    [Benchmark(Description = "1 instance × 4N requests (control)")]
    public async Task SingleInstanceFarmLoad()
    {
        var invoker = _farm[0].Invoker;
        var requests = new Task<HttpResponseMessage>[N * Instances];
        for (var j = 0; j < requests.Length; j++)
        {
            requests[j] = invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, Fixtures.ApiUri), CancellationToken.None);
        }

        await CompleteAsync(requests).ConfigureAwait(false);
        Record(nameof(SingleInstanceFarmLoad));
    }

    [Benchmark(Description = "4 instances × N requests, shared Redis")]
    public async Task FarmHerd()
    {
        // Interleaved, as a load balancer spreads one user's requests over the instances.
        var requests = new Task<HttpResponseMessage>[N * Instances];
        for (var j = 0; j < N; j++)
        {
            for (var i = 0; i < Instances; i++)
            {
                requests[(j * Instances) + i] = _farm[i].Invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, Fixtures.ApiUri), CancellationToken.None);
            }
        }

        await CompleteAsync(requests).ConfigureAwait(false);
        Record(nameof(FarmHerd));
    }

    private static async Task CompleteAsync(Task<HttpResponseMessage>[] requests)
    {
        var responses = await Task.WhenAll(requests).ConfigureAwait(false);
        var failed = 0;
        foreach (var response in responses)
        {
            failed += response.StatusCode == HttpStatusCode.OK ? 0 : 1;
            response.Dispose();
        }

        if (failed > 0)
        {
            throw new InvalidOperationException($"{failed} of {responses.Length} requests did not get 200.");
        }
    }

    private void Record(string method)
    {
        HerdBenchmarks.MaxTokenCalls.AddOrUpdate($"{method}/{N}", _tokens.Calls, (_, previous) => Math.Max(previous, _tokens.Calls));

        // CompleteAsync throws on any answer but 200, so an invocation that got here had none.
        HerdBenchmarks.MaxFailedRequests.TryAdd($"{method}/{N}", 0);
    }

    /// <summary>One app instance: its own connection, store, coordinator and handler.</summary>
    private sealed class FarmInstance : IDisposable
    {
        private readonly ConnectionMultiplexer _redis;
        private readonly RefreshCoordinator _coordinator;

        public FarmInstance(string endpoint, IDataProtectionProvider keyRing, TokenEndpointHandler tokens, ApiHandler api)
        {
            var config = ConfigurationOptions.Parse(endpoint);
            config.AbortOnConnectFail = false;
            _redis = ConnectionMultiplexer.Connect(config);
            var deadline = Environment.TickCount64 + 10_000;
            while (!_redis.IsConnected)
            {
                if (Environment.TickCount64 > deadline)
                {
                    throw new InvalidOperationException($"redis-server on {endpoint} did not accept a connection within 10 s.");
                }

                Thread.Sleep(20);
            }

            Store = new RedisTokenStore(_redis, keyRing, new RedisTokenStoreOptions { KeyPrefix = "farm:" });
            _coordinator = new RefreshCoordinator(Store, new GoTrueTokenClient(new HttpClient(tokens, disposeHandler: false), new GoTrueOptions { AuthUrl = Fixtures.AuthUrl }));
            var options = new SessionHandlerOptions();
            options.AllowedOrigins.Add(Fixtures.ApiUri);
            Invoker = new HttpMessageInvoker(new SessionHandler(_coordinator, options) { InnerHandler = api }, disposeHandler: false);
        }

        public RedisTokenStore Store { get; }

        public HttpMessageInvoker Invoker { get; }

        public void Dispose()
        {
            Invoker.Dispose();
            _coordinator.Dispose();
            Store.Dispose();
            _redis.Dispose();
        }
    }
}
