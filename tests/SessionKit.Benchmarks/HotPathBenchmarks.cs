// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using BenchmarkDotNet.Attributes;
using Duende.IdentityModel.OidcClient;

namespace SessionKit.Benchmarks;

/// <summary>
/// One request with a valid token through an <see cref="HttpMessageInvoker"/> over an in-memory terminal handler:
/// SessionKit against a handler that sets a fixed header (the floor) and Duende OidcClient's RefreshTokenDelegatingHandler.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 12)]
public class HotPathBenchmarks
{
    private HttpMessageInvoker _floor = null!;
    private HttpMessageInvoker _sessionKit = null!;
    private HttpMessageInvoker _oidcClient = null!;

    [GlobalSetup]
    public void Setup()
    {
        var api = new ApiHandler();
        _floor = new HttpMessageInvoker(new FixedHeaderHandler { InnerHandler = api });

        var store = new InMemoryTokenStore();
        var access = Fixtures.NewAccessToken();
        store.SetAsync("default", new Session { AccessToken = access, RefreshToken = "rt", ExpiresAt = DateTimeOffset.UtcNow.AddDays(1) }, CancellationToken.None).AsTask().Wait();
        var tokens = new TokenEndpointHandler(TimeSpan.Zero, api);
        var coordinator = new RefreshCoordinator(store, new GoTrueTokenClient(new HttpClient(tokens), new GoTrueOptions { AuthUrl = Fixtures.AuthUrl }));
        var options = new SessionHandlerOptions();
        options.AllowedOrigins.Add(Fixtures.ApiUri);
        _sessionKit = new HttpMessageInvoker(new SessionHandler(coordinator, options) { InnerHandler = api });

        _oidcClient = new HttpMessageInvoker(new RefreshTokenDelegatingHandler(Fixtures.CreateOidcClient(tokens), access, "rt", "Bearer", api));
    }

    [Benchmark(Baseline = true, Description = "Fixed header (floor)")]
    public Task<HttpResponseMessage> FixedHeader() => _floor.SendAsync(new HttpRequestMessage(HttpMethod.Get, Fixtures.ApiUri), CancellationToken.None);

    [Benchmark(Description = "SessionKit SessionHandler")]
    public Task<HttpResponseMessage> SessionKitHandler() => _sessionKit.SendAsync(new HttpRequestMessage(HttpMethod.Get, Fixtures.ApiUri), CancellationToken.None);

    [Benchmark(Description = "OidcClient RefreshTokenDelegatingHandler")]
    public Task<HttpResponseMessage> OidcClientHandler() => _oidcClient.SendAsync(new HttpRequestMessage(HttpMethod.Get, Fixtures.ApiUri), CancellationToken.None);
}
