// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Duende.IdentityModel.OidcClient;

namespace SessionKit.Benchmarks;

/// <summary>
/// N concurrent requests hit an expired token; the token endpoint answers after a fixed delay. Time until the last request
/// completes, and the number of token calls (column "Token calls"), against the ideal client that knows the token has expired:
/// one token call, then the same N concurrent requests with the new token in a fixed <c>Authorization</c> header. Every side
/// uses the same in-memory transport (<see cref="ApiHandler"/> and <see cref="TokenEndpointHandler"/> through an
/// <see cref="HttpMessageInvoker"/>), so the ratio is what coordinating the herd costs beyond the token call and the requests.
/// </summary>
[MemoryDiagnoser(displayGenColumns: false)]
[Config(typeof(TokenCallsConfig))]
public class HerdBenchmarks
{
    public static readonly TimeSpan TokenDelay = TimeSpan.FromMilliseconds(20);
    public static readonly ConcurrentDictionary<string, int> MaxTokenCalls = new();
    public static readonly ConcurrentDictionary<string, int> MaxFailedRequests = new();

    private ApiHandler _api = null!;
    private TokenEndpointHandler _tokens = null!;
    private InMemoryTokenStore _store = null!;
    private HttpMessageInvoker _sessionKit = null!;
    private HttpMessageInvoker _oidcClient = null!;
    private FixedHeaderHandler _idealHeader = null!;
    private HttpMessageInvoker _ideal = null!;
    private HttpClient _idealTokenClient = null!;

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
        _idealHeader = new FixedHeaderHandler { InnerHandler = _api };
        _ideal = new HttpMessageInvoker(_idealHeader);
        _idealTokenClient = new HttpClient(_tokens, disposeHandler: false);
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

    [Benchmark(Baseline = true, Description = "Ideal: one token call + N requests, fixed header")]
    public async Task Ideal()
    {
        using (var answer = await _idealTokenClient.PostAsync(new Uri(Fixtures.AuthUrl + "/token?grant_type=refresh_token"), null).ConfigureAwait(false))
        await using (var body = await answer.Content.ReadAsStreamAsync().ConfigureAwait(false))
        using (var json = await JsonDocument.ParseAsync(body).ConfigureAwait(false))
        {
            _idealHeader.Header = new AuthenticationHeaderValue("Bearer", json.RootElement.GetProperty("access_token").GetString());
        }

        var responses = await Task.WhenAll(Enumerable.Range(0, N).Select(_ => _ideal.SendAsync(new HttpRequestMessage(HttpMethod.Get, Fixtures.ApiUri), CancellationToken.None))).ConfigureAwait(false);
        Record(nameof(Ideal), responses);
    }

    [Benchmark(Description = "SessionKit")]
    public async Task SessionKitHerd()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, N).Select(_ => _sessionKit.SendAsync(new HttpRequestMessage(HttpMethod.Get, Fixtures.ApiUri), CancellationToken.None))).ConfigureAwait(false);
        Record(nameof(SessionKitHerd), responses);
    }

    [Benchmark(Description = "OidcClient RefreshTokenDelegatingHandler")]
    public async Task OidcClientHerd()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, N).Select(_ => _oidcClient.SendAsync(new HttpRequestMessage(HttpMethod.Get, Fixtures.ApiUri), CancellationToken.None))).ConfigureAwait(false);
        Record(nameof(OidcClientHerd), responses);
    }

    /// <summary>Keeps the most token calls, and the most answers other than 200, seen in one invocation of <paramref name="method"/>.</summary>
    private void Record(string method, HttpResponseMessage[] responses)
    {
        var failed = responses.Count(r => r.StatusCode != System.Net.HttpStatusCode.OK);
        MaxTokenCalls.AddOrUpdate($"{method}/{N}", _tokens.Calls, (_, previous) => Math.Max(previous, _tokens.Calls));
        MaxFailedRequests.AddOrUpdate($"{method}/{N}", failed, (_, previous) => Math.Max(previous, failed));
    }
}
