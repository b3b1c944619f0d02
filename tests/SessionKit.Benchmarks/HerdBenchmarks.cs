// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using Duende.IdentityModel.OidcClient;

namespace SessionKit.Benchmarks;

/// <summary>
/// N concurrent requests hit an expired token; the token endpoint answers after a fixed delay. Time until the last request
/// completes, against the ideal (one token call, then one request), and the number of token calls (column "Token calls").
/// </summary>
[MemoryDiagnoser(displayGenColumns: false)]
[Config(typeof(TokenCallsConfig))]
public class HerdBenchmarks
{
    public static readonly TimeSpan TokenDelay = TimeSpan.FromMilliseconds(20);
    public static readonly ConcurrentDictionary<string, int> MaxTokenCalls = new();

    private ApiHandler _api = null!;
    private TokenEndpointHandler _tokens = null!;
    private InMemoryTokenStore _store = null!;
    private HttpMessageInvoker _sessionKit = null!;
    private HttpMessageInvoker _oidcClient = null!;
    private HttpMessageInvoker _ideal = null!;

    [Params(10, 100, 1_000, 10_000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _api = new ApiHandler();
        _tokens = new TokenEndpointHandler(TokenDelay, _api);
        _store = new InMemoryTokenStore();
        var coordinator = new RefreshCoordinator(_store, new GoTrueTokenClient(new HttpClient(_tokens), new GoTrueOptions { AuthUrl = Fixtures.AuthUrl }));
        var options = new SessionHandlerOptions();
        options.AllowedOrigins.Add(Fixtures.ApiUri);
        _sessionKit = new HttpMessageInvoker(new SessionHandler(coordinator, options) { InnerHandler = _api });
        _ideal = new HttpMessageInvoker(_api, disposeHandler: false);
    }

    [IterationSetup]
    public void ExpireToken()
    {
        _tokens.Reset();
        var stale = Fixtures.NewAccessToken();
        _api.ValidToken = "not-" + stale;
        _store.SetAsync("default", new Session { AccessToken = stale, RefreshToken = "rt-stale", ExpiresAt = DateTimeOffset.UtcNow.AddSeconds(-1) }, CancellationToken.None).AsTask().Wait();
        _oidcClient = new HttpMessageInvoker(new RefreshTokenDelegatingHandler(Fixtures.CreateOidcClient(_tokens), stale, "rt-stale", "Bearer", _api));
    }

    [Benchmark(Baseline = true, Description = "Ideal: one token call + one request")]
    public async Task Ideal()
    {
        using var client = new HttpClient(_tokens, disposeHandler: false);
        (await client.PostAsync(new Uri(Fixtures.AuthUrl + "/token"), null).ConfigureAwait(false)).Dispose();
        (await _ideal.SendAsync(new HttpRequestMessage(HttpMethod.Get, Fixtures.ApiUri), CancellationToken.None).ConfigureAwait(false)).Dispose();
        Record(nameof(Ideal));
    }

    [Benchmark(Description = "SessionKit")]
    public async Task SessionKitHerd()
    {
        await Task.WhenAll(Enumerable.Range(0, N).Select(_ => _sessionKit.SendAsync(new HttpRequestMessage(HttpMethod.Get, Fixtures.ApiUri), CancellationToken.None))).ConfigureAwait(false);
        Record(nameof(SessionKitHerd));
    }

    [Benchmark(Description = "OidcClient RefreshTokenDelegatingHandler")]
    public async Task OidcClientHerd()
    {
        await Task.WhenAll(Enumerable.Range(0, N).Select(_ => _oidcClient.SendAsync(new HttpRequestMessage(HttpMethod.Get, Fixtures.ApiUri), CancellationToken.None))).ConfigureAwait(false);
        Record(nameof(OidcClientHerd));
    }

    private void Record(string method) =>
        MaxTokenCalls.AddOrUpdate($"{method}/{N}", _tokens.Calls, (_, previous) => Math.Max(previous, _tokens.Calls));
}
