// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using BenchmarkDotNet.Attributes;
using Duende.IdentityModel.OidcClient;
using SessionKit.Internal;

namespace SessionKit.Benchmarks;

/// <summary>
/// One request with a valid token through an <see cref="HttpMessageInvoker"/> over an in-memory terminal handler: a handler
/// that sets a fixed header (the floor); the breakdown, each row one more step of the hot path on top of the floor (store read,
/// origin check, expiry check, the session's own header, the look at the answer; see <c>HotPathBenchmarks.Steps.cs</c>);
/// SessionKit's <see cref="SessionHandler"/>; and Duende OidcClient's RefreshTokenDelegatingHandler. All in one run, so the
/// ratios compare like with like; the "vs checks floor" columns divide by the last step of the breakdown (see
/// <see cref="HotPathConfig"/> for the job, made for a loaded machine, and the columns).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(HotPathConfig))]
public partial class HotPathBenchmarks
{
    private const string Key = "default";
    private HttpMessageInvoker _floor = null!;
    private HttpMessageInvoker _storeRead = null!;
    private HttpMessageInvoker _originCheck = null!;
    private HttpMessageInvoker _expiryCheck = null!;
    private HttpMessageInvoker _sessionHeader = null!;
    private HttpMessageInvoker _responseCheck = null!;
    private HttpMessageInvoker _sessionKit = null!;
    private HttpMessageInvoker _oidcClient = null!;

    [GlobalSetup]
    public void Setup()
    {
        var api = new ApiHandler();
        var store = new InMemoryTokenStore();
        var access = Fixtures.NewAccessToken();
        store.SetAsync(Key, new Session { AccessToken = access, RefreshToken = "rt", ExpiresAt = DateTimeOffset.UtcNow.AddDays(1) }, CancellationToken.None).AsTask().Wait();
        var tokens = new TokenEndpointHandler(TimeSpan.Zero, api);
        var coordinator = new RefreshCoordinator(store, new GoTrueTokenClient(new HttpClient(tokens), new GoTrueOptions { AuthUrl = Fixtures.AuthUrl }));
        var options = new SessionHandlerOptions();
        options.AllowedOrigins.Add(Fixtures.ApiUri);

        // The breakdown uses the parts the handler uses: the store behind the interface, its origins, its clock and margin.
        ITokenStore parts = store;
        var origins = options.AllowedOrigins.Select(AllowedOrigin.From).ToArray();
        var clock = coordinator.TimeProvider;
        var margin = options.RefreshMargin;
        var fixedHeader = new AuthenticationHeaderValue("Bearer", access);

        _floor = new HttpMessageInvoker(new FixedHeaderHandler { Header = fixedHeader, InnerHandler = api });
        _storeRead = new HttpMessageInvoker(new StoreReadHandler(parts, Key, fixedHeader) { InnerHandler = api });
        _originCheck = new HttpMessageInvoker(new OriginCheckHandler(parts, Key, origins, fixedHeader) { InnerHandler = api });
        _expiryCheck = new HttpMessageInvoker(new ExpiryCheckHandler(parts, Key, origins, clock, margin, fixedHeader) { InnerHandler = api });
        _sessionHeader = new HttpMessageInvoker(new SessionHeaderHandler(parts, Key, origins, clock, margin) { InnerHandler = api });
        _responseCheck = new HttpMessageInvoker(new ResponseCheckHandler(parts, Key, origins, clock, margin) { InnerHandler = api });
        _sessionKit = new HttpMessageInvoker(new SessionHandler(coordinator, options) { InnerHandler = api });
        _oidcClient = new HttpMessageInvoker(new RefreshTokenDelegatingHandler(Fixtures.CreateOidcClient(tokens), access, "rt", "Bearer", api));

        // Every row must send the session's token and get 200: checked once here, with the API checking the token; the
        // measured requests run with the check off (ValidToken null), as before, so no row pays for it.
        api.ValidToken = access;
        foreach (var (name, invoker) in new[] { ("floor", _floor), ("store read", _storeRead), ("origin check", _originCheck), ("expiry check", _expiryCheck), ("session header", _sessionHeader), ("response check", _responseCheck), ("SessionKit", _sessionKit), ("OidcClient", _oidcClient) })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, Fixtures.ApiUri);
            var status = invoker.SendAsync(request, CancellationToken.None).GetAwaiter().GetResult().StatusCode;
            if (status != HttpStatusCode.OK || request.Headers.Authorization?.Parameter != access)
            {
                throw new InvalidOperationException($"The {name} pipeline did not send the session's token ({status}).");
            }
        }

        api.ValidToken = null;
    }

    [Benchmark(Baseline = true, Description = "Fixed header (floor)")]
    public Task<HttpResponseMessage> FixedHeader() => _floor.SendAsync(new HttpRequestMessage(HttpMethod.Get, Fixtures.ApiUri), CancellationToken.None);

    [Benchmark(Description = "+ store read")]
    public Task<HttpResponseMessage> StepStoreRead() => _storeRead.SendAsync(new HttpRequestMessage(HttpMethod.Get, Fixtures.ApiUri), CancellationToken.None);

    [Benchmark(Description = "+ origin check")]
    public Task<HttpResponseMessage> StepOriginCheck() => _originCheck.SendAsync(new HttpRequestMessage(HttpMethod.Get, Fixtures.ApiUri), CancellationToken.None);

    [Benchmark(Description = "+ expiry check (clock read)")]
    public Task<HttpResponseMessage> StepExpiryCheck() => _expiryCheck.SendAsync(new HttpRequestMessage(HttpMethod.Get, Fixtures.ApiUri), CancellationToken.None);

    [Benchmark(Description = "+ session's header (caller's kept)")]
    public Task<HttpResponseMessage> StepSessionHeader() => _sessionHeader.SendAsync(new HttpRequestMessage(HttpMethod.Get, Fixtures.ApiUri), CancellationToken.None);

    [Benchmark(Description = "+ 401/redirect check (checks floor)")]
    public Task<HttpResponseMessage> StepResponseCheck() => _responseCheck.SendAsync(new HttpRequestMessage(HttpMethod.Get, Fixtures.ApiUri), CancellationToken.None);

    [Benchmark(Description = "SessionKit SessionHandler")]
    public Task<HttpResponseMessage> SessionKitHandler() => _sessionKit.SendAsync(new HttpRequestMessage(HttpMethod.Get, Fixtures.ApiUri), CancellationToken.None);

    [Benchmark(Description = "OidcClient RefreshTokenDelegatingHandler")]
    public Task<HttpResponseMessage> OidcClientHandler() => _oidcClient.SendAsync(new HttpRequestMessage(HttpMethod.Get, Fixtures.ApiUri), CancellationToken.None);
}
