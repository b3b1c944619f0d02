// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using SessionKit.Testing;

namespace SessionKit.Redis.Tests.Support;

/// <summary>One app instance in the test process: its own Redis connection and store, coordinator, handler and API client.</summary>
internal sealed class Instance : IDisposable
{
    private int _ended;
    private int _refreshed;

    public Instance(GoTrueTestServer server, RedisTokenStore store, HttpMessageHandler? tokenHandler = null)
    {
        Store = store;
        TokenHttp = new HttpClient(tokenHandler ?? new SocketsHttpHandler());
        var tokenClient = new GoTrueTokenClient(TokenHttp, new GoTrueOptions { AuthUrl = server.AuthUrl });
        Coordinator = new RefreshCoordinator(store, tokenClient, new RefreshOptions { RetryBaseDelay = TimeSpan.FromMilliseconds(20) });
        Coordinator.SessionEnded += (_, _) => Interlocked.Increment(ref _ended);
        Coordinator.SessionRefreshed += (_, _) => Interlocked.Increment(ref _refreshed);
        var options = new SessionHandlerOptions();
        options.AllowedOrigins.Add(server.BaseAddress);
        options.SessionKeySelector = static r => r.GetSessionKey();
        Api = new HttpClient(new SessionHandler(Coordinator, options) { InnerHandler = new SocketsHttpHandler() }) { BaseAddress = server.ApiUrl };
    }

    public RedisTokenStore Store { get; }

    public HttpClient TokenHttp { get; }

    public RefreshCoordinator Coordinator { get; }

    public HttpClient Api { get; }

    public int Ended => Volatile.Read(ref _ended);

    public int Refreshed => Volatile.Read(ref _refreshed);

    /// <summary>Sends one API request for <paramref name="key"/>; returns the status code, or the exception (a typed one) instead.</summary>
    public async Task<(int? Status, Exception? Error)> RequestAsync(string key)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, key).SetSessionKey(key);
            using var response = await Api.SendAsync(request);
            return ((int)response.StatusCode, null);
        }
        catch (Exception ex)
        {
            return (null, ex);
        }
    }

    public void Dispose()
    {
        Api.Dispose();
        TokenHttp.Dispose();
        Coordinator.Dispose();
    }
}
