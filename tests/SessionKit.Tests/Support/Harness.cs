// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.Logging;
using SessionKit.Testing;

namespace SessionKit.Tests.Support;

/// <summary>
/// One SessionKit client wired by hand against a <see cref="GoTrueTestServer"/> over real HTTP: its own store (unless
/// shared), token client, coordinator, handler and API <see cref="HttpClient"/>.
/// </summary>
internal sealed class Harness : IDisposable
{
    public Harness(
        GoTrueTestServer server,
        ITokenStore? store = null,
        TimeProvider? timeProvider = null,
        HttpMessageHandler? tokenHandler = null,
        ILoggerFactory? loggerFactory = null,
        RefreshOptions? refreshOptions = null,
        Action<SessionHandlerOptions>? configureHandler = null,
        HttpMessageHandler? apiHandler = null)
    {
        Server = server;
        Store = store ?? new InMemoryTokenStore();
        TimeProvider = timeProvider ?? TimeProvider.System;
        TokenHttp = new HttpClient(tokenHandler ?? new SocketsHttpHandler(), disposeHandler: true);
        TokenClient = new GoTrueTokenClient(TokenHttp, new GoTrueOptions { AuthUrl = server.AuthUrl }, TimeProvider, loggerFactory?.CreateLogger<GoTrueTokenClient>());
        Coordinator = new RefreshCoordinator(Store, TokenClient, refreshOptions, TimeProvider, loggerFactory?.CreateLogger<RefreshCoordinator>());
        Client = new SessionClient(Coordinator, TokenClient, TokenClient, logger: loggerFactory?.CreateLogger<SessionClient>());
        var handlerOptions = new SessionHandlerOptions();
        handlerOptions.AllowedOrigins.Add(server.BaseAddress);
        configureHandler?.Invoke(handlerOptions);
        Handler = new SessionHandler(Coordinator, handlerOptions, TimeProvider, loggerFactory?.CreateLogger<SessionHandler>())
        {
            InnerHandler = apiHandler ?? new SocketsHttpHandler(),
        };
        Api = new HttpClient(Handler) { BaseAddress = server.ApiUrl };
    }

    public GoTrueTestServer Server { get; }

    public ITokenStore Store { get; }

    public TimeProvider TimeProvider { get; }

    public HttpClient TokenHttp { get; }

    public GoTrueTokenClient TokenClient { get; }

    public RefreshCoordinator Coordinator { get; }

    public SessionClient Client { get; }

    public SessionHandler Handler { get; }

    public HttpClient Api { get; }

    /// <summary>Stores a session issued directly by the server for <paramref name="email"/> and returns it.</summary>
    public async Task<Session> SignInDirectAsync(string email, string key = "default")
    {
        var issued = Server.IssueSession(email);
        var now = TimeProvider.GetUtcNow();
        var session = new Session
        {
            AccessToken = issued.AccessToken,
            RefreshToken = issued.RefreshToken,
            ExpiresAt = now + issued.ExpiresIn,
            IssuedAt = now,
        };
        await Client.ForKey(key).SetSessionAsync(session);
        return session;
    }

    public void Dispose()
    {
        Api.Dispose();
        TokenHttp.Dispose();
        Coordinator.Dispose();
    }
}
