// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SessionKit.Testing.Internal;

namespace SessionKit.Testing;

/// <summary>
/// A Supabase Auth (GoTrue) compatible server for tests, on Kestrel at <c>127.0.0.1:0</c> in the test process:
/// <c>POST /auth/v1/token?grant_type=password|refresh_token</c> with the v1 rotation rules, <c>POST /auth/v1/logout</c>,
/// and a JWT-protected <c>GET|POST /api/{path}</c>.
/// </summary>
/// <remarks>
/// Faithful to the GoTrue refresh spec: the processing order of section 2, the success body of section 3, the error shapes
/// and codes of section 4, and the v1 rotation and reuse rules of section 5.2 (the parent of the active token is accepted
/// forever; older tokens within the reuse interval get a new branch; any other reuse revokes the family). Thread-safe.
/// </remarks>
public sealed class GoTrueTestServer : IAsyncDisposable
{
    private const int MaxRequestBodyBytes = 64 * 1024;
    private static readonly JsonWebTokenHandler JwtHandler = new() { SetDefaultTimesOnTokenCreation = false };

    private readonly WebApplication _app;
    private readonly GoTrueTestServerOptions _options;
    private readonly AuthState _state;
    private readonly SymmetricSecurityKey _signingKey;
    private readonly SigningCredentials _signingCredentials;
    private readonly ConcurrentQueue<TokenEndpointFault> _faults = new();
    private readonly object _randomGate = new();
    private Random _random = new(0);
    private double _faultProbability;
    private TokenEndpointFault[] _randomFaults = [];

    private GoTrueTestServer(WebApplication app, GoTrueTestServerOptions options)
    {
        _app = app;
        _options = options;
        _state = new AuthState(options);
        _signingKey = new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32));
        _signingCredentials = new SigningCredentials(_signingKey, SecurityAlgorithms.HmacSha256);
    }

    /// <summary>Gets the server's root, for example <c>http://127.0.0.1:43121/</c>.</summary>
    /// <value>The address Kestrel bound.</value>
    public Uri BaseAddress { get; private set; } = null!;

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
        options ??= new GoTrueTestServerOptions();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Limits.MaxRequestBodySize = 1024 * 1024;
        });
        var app = builder.Build();
        var server = new GoTrueTestServer(app, options);
        app.MapPost("/auth/v1/token", server.TokenAsync);
        app.MapPost("/auth/v1/logout", server.LogoutAsync);
        app.Map("/api/{**path}", server.ApiAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        server.BaseAddress = new Uri(app.Urls.First().TrimEnd('/') + "/");
        return server;
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

    /// <summary>Queues a fault for the next refresh request; faults are applied one per request, in order.</summary>
    /// <param name="fault">The fault.</param>
    /// <param name="count">How many consecutive refresh requests get it.</param>
    public void EnqueueRefreshFault(TokenEndpointFault fault, int count = 1)
    {
        ArgumentNullException.ThrowIfNull(fault);
        for (var i = 0; i < count; i++)
        {
            _faults.Enqueue(fault);
        }
    }

    /// <summary>
    /// Applies a fault picked at random from <paramref name="faults"/> to each refresh request with <paramref name="probability"/>,
    /// whenever no queued fault is waiting. Deterministic for a given <paramref name="seed"/> and request order.
    /// </summary>
    /// <param name="probability">The share of refresh requests that get a fault, from 0 to 1.</param>
    /// <param name="faults">The faults to choose from.</param>
    /// <param name="seed">The seed of the random choice.</param>
    public void SetRandomFaults(double probability, IReadOnlyList<TokenEndpointFault> faults, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(faults);
        ArgumentOutOfRangeException.ThrowIfLessThan(probability, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(probability, 1);
        lock (_randomGate)
        {
            _random = new Random(seed);
            _faultProbability = faults.Count == 0 ? 0 : probability;
            _randomFaults = [.. faults];
        }
    }

    /// <summary>Removes every queued fault and turns random faults off.</summary>
    public void ClearFaults()
    {
        _faults.Clear();
        lock (_randomGate)
        {
            _faultProbability = 0;
        }
    }

    /// <summary>Stops the server.</summary>
    /// <returns>A task that completes when Kestrel has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private DateTimeOffset Now => _options.TimeProvider.GetUtcNow();

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

    private async Task TokenAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        if (_options.ApiKey is { } apiKey && request.Headers["apikey"].ToString() != apiKey)
        {
            await WriteJsonAsync(response, 401, new { message = "Invalid API key", hint = "Double check your Supabase `anon` or `service_role` API key." }).ConfigureAwait(false);
            return;
        }

        var grant = request.Query["grant_type"].ToString();
        if (grant is not ("password" or "refresh_token"))
        {
            await WriteErrorAsync(context, 400, "invalid_credentials", "unsupported_grant_type").ConfigureAwait(false);
            return;
        }

        if (grant == "refresh_token")
        {
            Counters.RefreshRequest();
        }

        JsonElement? body;
        try
        {
            body = await ReadJsonAsync(request).ConfigureAwait(false);
        }
        catch (InvalidDataException)
        {
            await WriteErrorAsync(context, 413, "request_entity_too_large", $"Request body too large (max {MaxRequestBodyBytes} bytes)").ConfigureAwait(false);
            return;
        }

        if (body is null)
        {
            await WriteErrorAsync(context, 400, "bad_json", "Could not parse request body as JSON").ConfigureAwait(false);
            return;
        }

        if (grant == "password")
        {
            var email = StringField(body.Value, "email");
            var signIn = _state.SignIn(email, StringField(body.Value, "password"), Now);
            if (signIn.Issued is null)
            {
                await WriteErrorAsync(context, signIn.Status, signIn.ErrorCode!, signIn.Message!).ConfigureAwait(false);
                return;
            }

            Counters.PasswordGrant();
            await WriteSessionAsync(response, signIn.Issued).ConfigureAwait(false);
            return;
        }

        // "In flight" spans arrival to the server's decision; writing a (possibly huge) body afterwards does not count.
        var inFlight = 1;
        void Decided()
        {
            if (Interlocked.Exchange(ref inFlight, 0) == 1)
            {
                Counters.RefreshEnded();
            }
        }

        Counters.RefreshStarted();
        try
        {
            await RefreshAsync(context, body.Value, Decided).ConfigureAwait(false);
        }
        finally
        {
            Decided();
        }
    }

    private TokenEndpointFault? NextFault()
    {
        if (_faults.TryDequeue(out var queued))
        {
            return queued;
        }

        lock (_randomGate)
        {
            return _faultProbability > 0 && _random.NextDouble() < _faultProbability ? _randomFaults[_random.Next(_randomFaults.Length)] : null;
        }
    }

    private async Task RefreshAsync(HttpContext context, JsonElement body, Action decided)
    {
        var response = context.Response;
        var fault = NextFault();
        if (fault is not null)
        {
            Counters.FaultApplied();
            switch (fault.Kind)
            {
                case TokenEndpointFaultKind.Delay:
                    await Task.Delay(fault.Delay, context.RequestAborted).ConfigureAwait(false);
                    break;
                case TokenEndpointFaultKind.Status:
                    if (fault.RetryAfter is { } retryAfter)
                    {
                        response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    }

                    var code = fault.StatusCode switch
                    {
                        409 => "conflict",
                        429 => "over_request_rate_limit",
                        >= 500 => "unexpected_failure",
                        _ => "unknown",
                    };
                    await WriteErrorAsync(context, fault.StatusCode, code, "injected fault").ConfigureAwait(false);
                    return;
                case TokenEndpointFaultKind.GatewayHtml:
                    response.StatusCode = fault.StatusCode;
                    response.ContentType = "text/html";
                    await response.WriteAsync($"<html><head><title>{fault.StatusCode} Bad Gateway</title></head><body><center><h1>{fault.StatusCode} Bad Gateway</h1></center><hr><center>nginx</center></body></html>").ConfigureAwait(false);
                    return;
            }
        }

        var result = _state.Refresh(StringField(body, "refresh_token"), Now);
        decided();
        if (result.Issued is null)
        {
            Counters.Rejection(result.ErrorCode!);
            await WriteErrorAsync(context, result.Status, result.ErrorCode!, result.Message!).ConfigureAwait(false);
            return;
        }

        Counters.RefreshSuccess();
        if (fault is null || fault.Kind == TokenEndpointFaultKind.Delay)
        {
            await WriteSessionAsync(response, result.Issued).ConfigureAwait(false);
            return;
        }

        await WriteCorruptedAsync(context, fault, result.Issued).ConfigureAwait(false);
    }

    private async Task WriteCorruptedAsync(HttpContext context, TokenEndpointFault fault, RefreshTokenRow issued)
    {
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json";
        switch (fault.Kind)
        {
            case TokenEndpointFaultKind.DropConnectionAfterRotating:
                context.Abort();
                return;
            case TokenEndpointFaultKind.TruncatedJson:
                var json = JsonSerializer.Serialize(SessionBody(issued));
                await response.WriteAsync(json[..(json.Length / 2)]).ConfigureAwait(false);
                return;
            case TokenEndpointFaultKind.NonJsonSuccess:
                response.ContentType = "text/plain";
                await response.WriteAsync("OK").ConfigureAwait(false);
                return;
            case TokenEndpointFaultKind.HugeBody:
                await response.WriteAsync("{\"padding\":\"").ConfigureAwait(false);
                var chunk = new string('x', 64 * 1024);
                for (var written = 0; written < fault.BodyBytes; written += chunk.Length)
                {
                    await response.WriteAsync(chunk, context.RequestAborted).ConfigureAwait(false);
                }

                await response.WriteAsync("\"}").ConfigureAwait(false);
                return;
            case TokenEndpointFaultKind.MissingFields:
                await response.WriteAsync(JsonSerializer.Serialize(new { token_type = "bearer", expires_in = 3600, refresh_token = issued.Token })).ConfigureAwait(false);
                return;
            case TokenEndpointFaultKind.WrongTypes:
                await response.WriteAsync(JsonSerializer.Serialize(new { access_token = CreateAccessToken(issued.Session), token_type = "bearer", expires_in = new { seconds = 3600 }, refresh_token = 12345 })).ConfigureAwait(false);
                return;
            case TokenEndpointFaultKind.MalformedAccessToken:
                var body = SessionBody(issued);
                body["access_token"] = "not-a.jwt";
                await response.WriteAsync(JsonSerializer.Serialize(body)).ConfigureAwait(false);
                return;
        }
    }

    private async Task LogoutAsync(HttpContext context)
    {
        var token = await ValidateBearerAsync(context.Request).ConfigureAwait(false);
        if (token is null || !token.TryGetPayloadValue<string>("session_id", out var sessionId))
        {
            await WriteErrorAsync(context, 401, "bad_jwt", "invalid JWT: unable to parse or verify signature").ConfigureAwait(false);
            return;
        }

        var scope = context.Request.Query["scope"].ToString();
        _state.SignOut(sessionId, scope is "local" or "others" ? scope : "global");
        Counters.Logout();
        context.Response.StatusCode = 204;
    }

    private async Task ApiAsync(HttpContext context)
    {
        Counters.ApiRequest();
        var token = await ValidateBearerAsync(context.Request).ConfigureAwait(false);
        if (token is null)
        {
            Counters.ApiRejected();
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            await WriteJsonAsync(context.Response, 401, new { message = "invalid or expired token" }).ConfigureAwait(false);
            return;
        }

        await WriteJsonAsync(context.Response, 200, new { user = token.Subject, path = context.Request.Path.Value }).ConfigureAwait(false);
    }

    private async Task<JsonWebToken?> ValidateBearerAsync(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var result = await JwtHandler.ValidateTokenAsync(header["Bearer ".Length..].Trim(), new TokenValidationParameters
        {
            IssuerSigningKey = _signingKey,
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
        }).ConfigureAwait(false);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            return null;
        }

        // Expiry by the server's own clock, so a fake TimeProvider drives it.
        return jwt.TryGetPayloadValue<long>("exp", out var exp) && Now.ToUnixTimeSeconds() < exp ? jwt : null;
    }

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

    private Task WriteSessionAsync(HttpResponse response, RefreshTokenRow issued) =>
        WriteJsonAsync(response, 200, SessionBody(issued));

    private Dictionary<string, object?> SessionBody(RefreshTokenRow issued)
    {
        var now = Now;
        var session = issued.Session;
        return new Dictionary<string, object?>
        {
            ["access_token"] = CreateAccessToken(session),
            ["token_type"] = "bearer",
            ["expires_in"] = (long)_options.AccessTokenLifetime.TotalSeconds,
            ["expires_at"] = ExpiryOf(now),
            ["refresh_token"] = issued.Token,
            ["user"] = new Dictionary<string, object?>
            {
                ["id"] = session.User.Id,
                ["aud"] = "authenticated",
                ["role"] = "authenticated",
                ["email"] = session.User.Email,
                ["app_metadata"] = new { provider = "email", providers = new[] { "email" } },
                ["user_metadata"] = new { },
                ["is_anonymous"] = false,
            },
        };
    }

    /// <summary>
    /// The token's <c>exp</c> in whole seconds, rounded up so the token is valid for at least <c>AccessTokenLifetime</c>
    /// (GoTrue truncates, which only matters for the sub-minute lifetimes tests use).
    /// </summary>
    private long ExpiryOf(DateTimeOffset now)
    {
        var expiry = now + _options.AccessTokenLifetime;
        var seconds = expiry.ToUnixTimeSeconds();
        return expiry > DateTimeOffset.FromUnixTimeSeconds(seconds) ? seconds + 1 : seconds;
    }

    private string CreateAccessToken(TestSession session)
    {
        var now = Now;
        var payload = new Dictionary<string, object>
        {
            ["iss"] = AuthUrl.AbsoluteUri,
            ["sub"] = session.User.Id,
            ["aud"] = "authenticated",
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = ExpiryOf(now),
            ["email"] = session.User.Email,
            ["role"] = "authenticated",
            ["aal"] = "aal1",
            ["session_id"] = session.Id,
            ["is_anonymous"] = false,
            ["jti"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(8)),
        };
        return JwtHandler.CreateToken(JsonSerializer.Serialize(payload), _signingCredentials);
    }
}
