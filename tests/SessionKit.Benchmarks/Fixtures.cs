// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Text;
using Duende.IdentityModel.OidcClient;

namespace SessionKit.Benchmarks;

/// <summary>In-memory terminal handlers and peers shared by the benchmarks.</summary>
internal static class Fixtures
{
    public static readonly Uri ApiUri = new("https://api.example.test/orders/42");
    public static readonly Uri AuthUrl = new("https://auth.example.test/auth/v1");
    private static int _counter;

    /// <summary>Returns a fresh JWT-shaped access token (GoTrue's client checks the shape).</summary>
    public static string NewAccessToken()
    {
        var n = Interlocked.Increment(ref _counter);
        return "eyJhbGciOiJIUzI1NiJ9." + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{{\"sub\":\"bench\",\"n\":{n}}}")).TrimEnd('=').Replace('+', '-').Replace('/', '_') + ".c2ln";
    }

    public static OidcClient CreateOidcClient(HttpMessageHandler tokenHandler) => new(new OidcClientOptions
    {
        Authority = "https://auth.example.test",
        ClientId = "bench",
        LoadProfile = false,
        BackchannelHandler = tokenHandler,
        ProviderInformation = new ProviderInformation
        {
            IssuerName = "https://auth.example.test",
            TokenEndpoint = "https://auth.example.test/auth/v1/token",
            AuthorizeEndpoint = "https://auth.example.test/authorize",
            KeySet = new Duende.IdentityModel.Jwk.JsonWebKeySet(),
        },
    });
}
