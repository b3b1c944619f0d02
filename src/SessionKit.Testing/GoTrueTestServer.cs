// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SessionKit.Testing.Internal;

namespace SessionKit.Testing;

/// <summary>
/// A Supabase Auth (GoTrue) compatible server for tests: <c>POST /auth/v1/token?grant_type=password|refresh_token</c> with
/// the v1 rotation rules, <c>POST /auth/v1/logout</c>, and a JWT-protected <c>GET|POST /api/{path}</c>. Either on its own
/// Kestrel at <c>127.0.0.1:0</c> in the test process (<see cref="StartAsync"/>), or mounted on an app's own origin
/// (<see cref="Create"/> and <see cref="MapEndpoints"/>).
/// </summary>
/// <remarks>
/// Faithful to the GoTrue refresh spec: the processing order of section 2, the success body of section 3, the error shapes
/// and codes of section 4, and the v1 rotation and reuse rules of section 5.2 (the parent of the active token is accepted
/// forever; older tokens within the reuse interval get a new branch; any other reuse revokes the family). Thread-safe.
/// </remarks>
public sealed partial class GoTrueTestServer : IAsyncDisposable
{
    private const int MaxRequestBodyBytes = 64 * 1024;
    private static readonly JsonWebTokenHandler JwtHandler = new() { SetDefaultTimesOnTokenCreation = false };

    private readonly GoTrueTestServerOptions _options;
    private readonly AuthState _state;
    private readonly SymmetricSecurityKey _signingKey;
    private readonly SigningCredentials _signingCredentials;
    private readonly ConcurrentQueue<TokenEndpointFault> _faults = new();
    private readonly object _randomGate = new();
    private Random _random = new(0);
    private double _faultProbability;
    private TokenEndpointFault[] _randomFaults = [];
    private WebApplication? _app;
    private Uri? _baseAddress;

    private GoTrueTestServer(GoTrueTestServerOptions options)
    {
        _options = options;
        _state = new AuthState(options);
        _signingKey = new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32));
        _signingCredentials = new SigningCredentials(_signingKey, SecurityAlgorithms.HmacSha256);
    }

    /// <summary>Gets the server's root, for example <c>http://127.0.0.1:43121/</c>.</summary>
    /// <value>
    /// The address Kestrel bound. For a server mounted with <see cref="MapEndpoints"/>, the first address of the host's server
    /// once the host has started.
    /// </value>
    /// <exception cref="InvalidOperationException">The server is mounted and its host has not started yet.</exception>
    public Uri BaseAddress => Volatile.Read(ref _baseAddress) ?? throw new InvalidOperationException("The host the server is mounted on has not started yet.");

    /// <summary>Gets the Auth base URL to configure clients with: <see cref="BaseAddress"/> + <c>auth/v1</c>.</summary>
    /// <value>The Auth URL.</value>
    public Uri AuthUrl => new(BaseAddress, "auth/v1");

    /// <summary>Gets the protected API's base URL: <see cref="BaseAddress"/> + <c>api/</c>.</summary>
    /// <value>The API URL.</value>
    public Uri ApiUrl => new(BaseAddress, "api/");

    /// <summary>Gets what the server has seen.</summary>
    /// <value>The counters.</value>
    public GoTrueTestServerCounters Counters { get; } = new();

    /// <summary>Gets the number of live server-side sessions.</summary>
    /// <value>The count.</value>
    public int SessionCount => _state.SessionCount;

    /// <summary>Starts a server on <c>127.0.0.1</c> with a free port.</summary>
    /// <param name="options">The configuration; defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server; dispose it to stop.</returns>
    public static async Task<GoTrueTestServer> StartAsync(GoTrueTestServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Limits.MaxRequestBodySize = 1024 * 1024;
        });
        var app = builder.Build();
        var server = Create(options);
        server._app = app;
        server.MapEndpoints(app);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        server._baseAddress ??= new Uri(app.Urls.First().TrimEnd('/') + "/");
        return server;
    }

    /// <summary>
    /// Creates a server without a host of its own, to mount on an app with <see cref="MapEndpoints"/>: the token server, the
    /// API and the app then share one origin, as a browser app needs.
    /// </summary>
    /// <param name="options">The configuration; defaults when <see langword="null"/>.</param>
    /// <returns>The server; it serves nothing until mounted.</returns>
    public static GoTrueTestServer Create(GoTrueTestServerOptions? options = null) => new(options ?? new GoTrueTestServerOptions());

    /// <summary>
    /// Maps the server's endpoints on <paramref name="endpoints"/>: <c>POST /auth/v1/token</c>, <c>POST /auth/v1/logout</c>
    /// and <c>/api/{**path}</c>. <see cref="BaseAddress"/> becomes the host's first server address once the host has started.
    /// </summary>
    /// <param name="endpoints">The app (a <see cref="WebApplication"/>) or route group to map on.</param>
    /// <remarks>
    /// Map a server once. The host owns the lifetime: disposing a mounted server stops nothing. The routes are absolute, so
    /// map on the app itself, not on a group with a prefix.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> is <see langword="null"/>.</exception>
    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapPost("/auth/v1/token", TokenAsync);
        endpoints.MapPost("/auth/v1/logout", LogoutAsync);
        endpoints.Map("/api/{**path}", ApiAsync);
        if (_app is null && endpoints.ServiceProvider.GetService(typeof(IHostApplicationLifetime)) is IHostApplicationLifetime lifetime)
        {
            var services = endpoints.ServiceProvider;
            lifetime.ApplicationStarted.Register(() =>
            {
                var addresses = (services.GetService(typeof(IServer)) as IServer)?.Features.Get<IServerAddressesFeature>()?.Addresses;
                var first = addresses?.FirstOrDefault(a => Uri.TryCreate(a, UriKind.Absolute, out _));
                if (first is not null)
                {
                    Interlocked.CompareExchange(ref _baseAddress, new Uri(first.TrimEnd('/') + "/"), null);
                }
            });
        }
    }

    /// <summary>Adds a user who can sign in with the password grant.</summary>
    /// <param name="email">The email.</param>
    /// <param name="password">The password.</param>
    /// <returns>The user id (the JWT <c>sub</c>).</returns>
    public string AddUser(string email, string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(email);
        ArgumentException.ThrowIfNullOrEmpty(password);
        return _state.AddUser(email, password);
    }

    /// <summary>Bans or unbans a user: their refreshes then get <c>user_banned</c>.</summary>
    /// <param name="email">The user's email.</param>
    /// <param name="banned">Whether the user is banned.</param>
    public void SetBanned(string email, bool banned = true) => _state.SetBanned(email, banned);

    /// <summary>Signs a user in without HTTP, as a password grant would, and returns the tokens.</summary>
    /// <param name="email">The user's email (added with <see cref="AddUser"/>).</param>
    /// <returns>The tokens.</returns>
    /// <exception cref="InvalidOperationException">The user is unknown or banned.</exception>
    public IssuedTokens IssueSession(string email)
    {
        ArgumentException.ThrowIfNullOrEmpty(email);
        var password = _state.PasswordOf(email) ?? throw new InvalidOperationException($"Unknown user '{email}'.");
        var result = _state.SignIn(email, password, Now);
        if (result.Issued is not { } row)
        {
            throw new InvalidOperationException($"Cannot sign in '{email}': {result.ErrorCode}.");
        }

        return new IssuedTokens(CreateAccessToken(row.Session), row.Token, _options.AccessTokenLifetime, row.Session.User.Id, row.Session.Id);
    }

    /// <summary>Deletes a server-side session (an admin action or a sign-out elsewhere): its tokens then get <c>refresh_token_not_found</c>.</summary>
    /// <param name="sessionId">The session id.</param>
    /// <returns><see langword="true"/> when the session existed.</returns>
    public bool DeleteSession(string sessionId) => _state.DeleteSession(sessionId);

    /// <summary>Returns whether a server-side session exists.</summary>
    /// <param name="sessionId">The session id.</param>
    /// <returns><see langword="true"/> when it exists.</returns>
    public bool SessionExists(string sessionId) => _state.SessionExists(sessionId);

    /// <summary>Returns the active (newest unrevoked) refresh token of a session.</summary>
    /// <param name="sessionId">The session id.</param>
    /// <returns>The token, or <see langword="null"/> when the session is gone or its family revoked.</returns>
    public string? ActiveRefreshToken(string sessionId) => _state.ActiveRefreshToken(sessionId);

    /// <summary>Stops the server started with <see cref="StartAsync"/>; for a mounted server, does nothing (its host owns it).</summary>
    /// <returns>A task that completes when Kestrel has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private DateTimeOffset Now => _options.TimeProvider.GetUtcNow();

    /// <summary>Gets the JWT <c>iss</c>: <see cref="AuthUrl"/>, or a placeholder for a mounted server whose host has not started.</summary>
    private string Issuer => Volatile.Read(ref _baseAddress) is { } root ? new Uri(root, "auth/v1").AbsoluteUri : "http://localhost/auth/v1";

    private static async Task<JsonElement?> ReadJsonAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer).ConfigureAwait(false);
        if (buffer.Length > MaxRequestBodyBytes)
        {
            throw new InvalidDataException("too large");
        }

        try
        {
            using var doc = JsonDocument.Parse(buffer.ToArray());
            return doc.RootElement.ValueKind == JsonValueKind.Object ? doc.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? StringField(JsonElement body, string name) =>
        body.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;

    private static Task WriteJsonAsync(HttpResponse response, int status, object body)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        return response.WriteAsync(JsonSerializer.Serialize(body));
    }

    private static bool WantsVersionedErrors(HttpRequest request) =>
        request.Headers.TryGetValue("X-Supabase-Api-Version", out var v) && string.CompareOrdinal(v.ToString(), "2024-01-01") >= 0
        && DateOnly.TryParseExact(v.ToString(), "yyyy-MM-dd", out _);

    private Task WriteErrorAsync(HttpContext context, int status, string code, string message)
    {
        var request = context.Request;
        var response = context.Response;
        var tokenDead = status == 400 && code is "refresh_token_not_found" or "refresh_token_already_used" or "session_expired" or "session_not_found" or "user_banned";
        if (_options.ErrorShape == GoTrueErrorShape.OAuth && (tokenDead || (status == 400 && code == "validation_failed")))
        {
            return WriteJsonAsync(response, status, new { error = "invalid_grant", error_description = message });
        }

        response.Headers["x-sb-error-code"] = code;
        if (_options.ErrorShape == GoTrueErrorShape.ByApiVersion && WantsVersionedErrors(request))
        {
            response.Headers["X-Supabase-Api-Version"] = "2024-01-01";
            return WriteJsonAsync(response, status, new { code, message });
        }

        return status >= 500
            ? WriteJsonAsync(response, status, new { code = status, error_code = code, msg = message, error_id = Guid.NewGuid().ToString() })
            : WriteJsonAsync(response, status, new { code = status, error_code = code, msg = message });
    }
}
