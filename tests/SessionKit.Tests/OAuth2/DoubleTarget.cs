// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using SessionKit.Testing;

namespace SessionKit.Tests.OAuth2;

/// <summary>An <see cref="OAuth2TestServer"/> as an <see cref="IOAuth2Target"/>, with one user.</summary>
internal sealed class DoubleTarget : IOAuth2Target
{
    private DoubleTarget(OAuth2TestServer server)
    {
        Server = server;
    }

    public OAuth2TestServer Server { get; }

    public bool Strict => Server.Options.ReuseMode == OAuth2ReuseMode.Strict;

    public Uri TokenEndpoint => Server.TokenEndpoint;

    public Uri RevocationEndpoint => Server.RevocationEndpoint;

    public Uri ApiUrl => Server.ApiUrl;

    public string ClientId => Server.Options.ClientId;

    public string? ClientSecret => Server.Options.ClientSecret;

    public string Scope => "openid offline_access";

    public string UserName => "ada";

    public string Password => "correct horse";

    public string UserId { get; private set; } = null!;

    public long RefreshCalls => Server.Counters.RefreshRequests;

    public int MaxConcurrentRefreshes => Server.Counters.MaxConcurrentRefreshes;

    public static async Task<DoubleTarget> StartAsync(OAuth2TestServerOptions options)
    {
        var target = new DoubleTarget(await OAuth2TestServer.StartAsync(options));
        target.UserId = target.Server.AddUser(target.UserName, target.Password);
        return target;
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
