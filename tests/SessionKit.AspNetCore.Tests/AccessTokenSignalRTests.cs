// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SessionKit.AspNetCore.Tests.Support;
using SessionKit.Testing;

namespace SessionKit.AspNetCore.Tests;

/// <summary>
/// <see cref="SessionClient.GetAccessTokenAsync"/> as SignalR's <c>AccessTokenProvider</c> against a real hub over WebSockets,
/// whose server checks every token with the token server (on the same fake clock).
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class AccessTokenSignalRTests
{
    private const string Email = "grace@example.test";
    private FakeTimeProvider _time = null!;
    private GoTrueTestServer _auth = null!;
    private WebApplication _hub = null!;
    private Uri _hubUrl = null!;
    private ServiceProvider _services = null!;
    private string _userId = null!;

    [SetUp]
    public async Task SetUp()
    {
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 9, 1, 10, 0, 0, TimeSpan.Zero));
        _auth = await GoTrueTestServer.StartAsync(new GoTrueTestServerOptions { TimeProvider = _time });
        _userId = _auth.AddUser(Email, "pw");
        _hub = await StartHubAsync(_auth.ApiUrl);
        _hubUrl = new Uri(_hub.Urls.First().TrimEnd('/') + "/hub");
        _services = new ServiceCollection()
            .AddSingleton<TimeProvider>(_time)
            .AddSessionKit(o => o.UseGoTrue(_auth.AuthUrl))
            .Services
            .BuildServiceProvider();
    }

    [TearDown]
    public async Task TearDown()
    {
        await _services.DisposeAsync();
        await _hub.StopAsync();
        await _hub.DisposeAsync();
        await _auth.DisposeAsync();
    }

    [Test]
    public async Task GetAccessTokenAsync_AsSignalRAccessTokenProvider_ConnectsAndReconnectsAfterExpiryWithOneRefresh()
    {
        var client = _services.GetRequiredService<SessionClient>();
        await client.SignInWithPasswordAsync(Email, "pw");

        var first = await ConnectAndAskAsync(async () => await client.GetAccessTokenAsync());
        _time.Advance(TimeSpan.FromMinutes(61));
        var afterExpiry = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => ConnectAndAskAsync(async () => await client.GetAccessTokenAsync())));

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo(_userId));
            Assert.That(afterExpiry, Is.All.EqualTo(_userId));
            Assert.That(_auth.Counters.RefreshSuccesses, Is.EqualTo(1), "four connections after expiry share one refresh");
        });
    }

    [Test]
    public async Task Hub_StaleTokenWithoutRefresh_Refused()
    {
        var client = _services.GetRequiredService<SessionClient>();
        var stale = (await client.SignInWithPasswordAsync(Email, "pw")).AccessToken;
        _time.Advance(TimeSpan.FromMinutes(61));

        var ex = Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(() => ConnectAndAskAsync(() => Task.FromResult<string?>(stale)));

        Assert.That(ex!.Message, Does.Contain("401"));
    }

    private static async Task<WebApplication> StartHubAsync(Uri authApi)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddSignalR();
        builder.Services.AddHttpClient("auth", c => c.BaseAddress = authApi);
        var app = builder.Build();
        app.UseWebSockets();

        // The hub's gate: the token (query string for WebSockets, header otherwise) must be valid at the token server.
        app.Use(async (context, next) =>
        {
            var token = context.Request.Query["access_token"].ToString();
            if (token.Length == 0 && AuthenticationHeaderValue.TryParse(context.Request.Headers.Authorization, out var header))
            {
                token = header.Parameter ?? string.Empty;
            }

            using var check = new HttpRequestMessage(HttpMethod.Get, "whoami") { Headers = { Authorization = new("Bearer", token) } };
            using var answer = await context.RequestServices.GetRequiredService<IHttpClientFactory>().CreateClient("auth").SendAsync(check);
            if (answer.StatusCode != HttpStatusCode.OK)
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }

            using var who = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
            context.Items[WhoAmIHub.UserItem] = who.RootElement.GetProperty("user").GetString();
            await next(context);
        });
        app.MapHub<WhoAmIHub>("/hub");
        await app.StartAsync();
        return app;
    }

    private async Task<string> ConnectAndAskAsync(Func<Task<string?>> tokenProvider)
    {
        await using var connection = new HubConnectionBuilder()
            .WithUrl(_hubUrl, o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                o.AccessTokenProvider = tokenProvider;
            })
            .Build();
        await connection.StartAsync();
        return await connection.InvokeAsync<string>(nameof(WhoAmIHub.WhoAmI));
    }
}
