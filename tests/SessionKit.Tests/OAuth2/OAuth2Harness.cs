// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Tests.OAuth2;

/// <summary>
/// One SessionKit client wired by hand against an <see cref="IOAuth2Target"/> over real HTTP: an <see cref="OAuth2TokenClient"/>,
/// a coordinator over its own in-memory store, a <see cref="SessionClient"/>, and a <see cref="SessionHandler"/> in front of
/// the server's API.
/// </summary>
internal sealed class OAuth2Harness : IDisposable
{
    public OAuth2Harness(IOAuth2Target target, TimeProvider? timeProvider = null, RefreshOptions? refreshOptions = null)
    {
        Target = target;
        TimeProvider = timeProvider ?? TimeProvider.System;
        TokenHttp = new HttpClient(new SocketsHttpHandler(), disposeHandler: true);
        TokenClient = new OAuth2TokenClient(
            TokenHttp,
            new OAuth2Options
            {
                TokenEndpoint = target.TokenEndpoint,
                RevocationEndpoint = target.RevocationEndpoint,
                ClientId = target.ClientId,
                ClientSecret = target.ClientSecret,
                Scope = target.Scope,
            },
            TimeProvider);
        Refresher = new RecordingRefresher(TokenClient);
        Coordinator = new RefreshCoordinator(Store, Refresher, refreshOptions, TimeProvider);
        Client = new SessionClient(Coordinator, TokenClient, TokenClient);
        var handlerOptions = new SessionHandlerOptions();
        handlerOptions.AllowedOrigins.Add(target.ApiUrl);
        Handler = new SessionHandler(Coordinator, handlerOptions, TimeProvider) { InnerHandler = new SocketsHttpHandler() };
        Api = new HttpClient(Handler) { BaseAddress = target.ApiUrl };
    }

    public IOAuth2Target Target { get; }

    public TimeProvider TimeProvider { get; }

    public InMemoryTokenStore Store { get; } = new();

    public HttpClient TokenHttp { get; }

    public OAuth2TokenClient TokenClient { get; }

    public RecordingRefresher Refresher { get; }

    public RefreshCoordinator Coordinator { get; }

    public SessionClient Client { get; }

    public SessionHandler Handler { get; }

    public HttpClient Api { get; }

    /// <summary>Signs in with the server's password grant over HTTP and stores the session.</summary>
    public Task<Session> SignInAsync() => Client.SignInWithPasswordAsync(Target.UserName, Target.Password);

    public void Dispose()
    {
        Api.Dispose();
        TokenHttp.Dispose();
        Coordinator.Dispose();
    }
}
