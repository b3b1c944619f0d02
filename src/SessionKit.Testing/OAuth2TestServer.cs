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
/// An OAuth 2.0 token server for tests, on Kestrel at <c>127.0.0.1:0</c> in the test process: <c>POST /connect/token</c>
/// (RFC 6749 §6 refresh grant with single-use, rotating refresh tokens; §4.3 password grant), <c>POST /connect/revoke</c>
/// (RFC 7009), and a bearer-protected <c>GET|POST /api/{path}</c> (RFC 6750).
/// </summary>
/// <remarks>
/// <para>
/// It plays the two families of OAuth 2.0 servers a client must survive (<see cref="OAuth2ReuseMode"/>): <em>strict</em>, where a
/// second use of a refresh token revokes the whole grant at once, access tokens included; and <em>leeway</em>, where a second
/// use within a leeway yields a new branch and a later one revokes the grant. Every refresh failure is
/// <c>400 {"error":"invalid_grant","error_description":...}</c> (RFC 6749 §5.2), with descriptions that tell "already redeemed"
/// from "no longer valid". Access tokens are opaque; an <c>id_token</c> with <c>sub</c> is added on request.
/// </para>
/// <para>Thread-safe. Faults are the <see cref="TokenEndpointFault"/>s of <see cref="GoTrueTestServer"/>, in the OAuth 2.0 error shape.</para>
/// </remarks>
public sealed partial class OAuth2TestServer : IAsyncDisposable
{
    private static readonly JsonWebTokenHandler JwtHandler = new() { SetDefaultTimesOnTokenCreation = false };

    private readonly WebApplication _app;
    private readonly OAuth2TestServerOptions _options;
    private readonly OAuth2State _state;
    private readonly SigningCredentials _idTokenCredentials;
    private readonly ConcurrentQueue<TokenEndpointFault> _faults = new();

    private OAuth2TestServer(WebApplication app, OAuth2TestServerOptions options)
    {
        _app = app;
        _options = options;
        _state = new OAuth2State(options);
        _idTokenCredentials = new SigningCredentials(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)), SecurityAlgorithms.HmacSha256);
    }

    /// <summary>Gets the server's root, for example <c>http://127.0.0.1:43121/</c> (also the <c>iss</c> of ID tokens).</summary>
    /// <value>The address Kestrel bound.</value>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Gets the token endpoint: <see cref="BaseAddress"/> + <c>connect/token</c>.</summary>
    /// <value>The URL.</value>
    public Uri TokenEndpoint => new(BaseAddress, "connect/token");

    /// <summary>Gets the RFC 7009 revocation endpoint: <see cref="BaseAddress"/> + <c>connect/revoke</c>.</summary>
    /// <value>The URL.</value>
    public Uri RevocationEndpoint => new(BaseAddress, "connect/revoke");

    /// <summary>Gets the protected API's base URL: <see cref="BaseAddress"/> + <c>api/</c>.</summary>
    /// <value>The URL.</value>
    public Uri ApiUrl => new(BaseAddress, "api/");

    /// <summary>Gets the configuration the server runs with.</summary>
    /// <value>The options given to <see cref="StartAsync"/>; change them only before the first request.</value>
    public OAuth2TestServerOptions Options => _options;

    /// <summary>Gets what the server has seen.</summary>
    /// <value>The counters.</value>
    public OAuth2TestServerCounters Counters { get; } = new();

    private DateTimeOffset Now => _options.TimeProvider.GetUtcNow();

    /// <summary>Starts a server on <c>127.0.0.1</c> with a free port.</summary>
    /// <param name="options">The configuration; defaults (strict, public client <c>test-client</c>) when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server; dispose it to stop.</returns>
    public static async Task<OAuth2TestServer> StartAsync(OAuth2TestServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new OAuth2TestServerOptions();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Limits.MaxRequestBodySize = 64 * 1024;
        });
        var app = builder.Build();
        var server = new OAuth2TestServer(app, options);
        app.MapPost("/connect/token", server.TokenAsync);
        app.MapPost("/connect/revoke", server.RevokeAsync);
        app.Map("/api/{**path}", server.ApiAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        server.BaseAddress = new Uri(app.Urls.First().TrimEnd('/') + "/");
        return server;
    }

    /// <summary>Adds a user who can sign in with the password grant.</summary>
    /// <param name="userName">The user name.</param>
    /// <param name="password">The password.</param>
    /// <returns>The user id (the ID token's <c>sub</c>).</returns>
    public string AddUser(string userName, string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(userName);
        ArgumentException.ThrowIfNullOrEmpty(password);
        return _state.AddUser(userName, password);
    }

    /// <summary>Signs a user in without HTTP, as a password grant would, and returns the tokens of a new grant.</summary>
    /// <param name="userName">The user name (added with <see cref="AddUser"/>).</param>
    /// <param name="password">The password.</param>
    /// <param name="scope">The granted scope, or <see langword="null"/>.</param>
    /// <returns>The tokens.</returns>
    /// <exception cref="InvalidOperationException">The credentials are wrong.</exception>
    public OAuth2IssuedTokens IssueTokens(string userName, string password, string? scope = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(userName);
        ArgumentException.ThrowIfNullOrEmpty(password);
        var issued = _state.SignIn(userName, password, scope, Now).Issued
            ?? throw new InvalidOperationException($"Cannot sign in '{userName}': wrong user name or password.");
        var grant = issued.Access.Grant;
        return new OAuth2IssuedTokens(issued.Access.Token, issued.Refresh.Token, _options.AccessTokenLifetime, IdTokenFor(grant), grant.User.Id, grant.Id);
    }

    /// <summary>Revokes a grant (an admin action, or a sign-out elsewhere): its refresh tokens then get <c>invalid_grant</c>, its access tokens 401.</summary>
    /// <param name="grantId">The grant id.</param>
    /// <returns><see langword="true"/> when a live grant was revoked.</returns>
    public bool RevokeGrant(string grantId)
    {
        ArgumentNullException.ThrowIfNull(grantId);
        var revoked = _state.RevokeGrant(grantId);
        if (revoked)
        {
            Counters.GrantRevoked();
        }

        return revoked;
    }

    /// <summary>Returns whether a grant was revoked.</summary>
    /// <param name="grantId">The grant id.</param>
    /// <returns><see langword="true"/> when revoked, <see langword="false"/> when live, <see langword="null"/> when unknown.</returns>
    public bool? IsGrantRevoked(string grantId)
    {
        ArgumentNullException.ThrowIfNull(grantId);
        return _state.IsGrantRevoked(grantId);
    }

    /// <summary>Queues a fault for the next refresh request; faults are applied one per request, in order.</summary>
    /// <param name="fault">The fault. Error statuses are sent in the OAuth 2.0 shape (<c>server_error</c>, or <c>temporarily_unavailable</c> for 429 and 503).</param>
    /// <param name="count">How many consecutive refresh requests get it.</param>
    /// <remarks>
    /// A <see cref="TokenEndpointFaultKind.Delay"/> here is not cut short when the client gives up: the server then rotates anyway,
    /// as a busy real server does, which is what makes a client's early resend dangerous on a strict server.
    /// </remarks>
    public void EnqueueRefreshFault(TokenEndpointFault fault, int count = 1)
    {
        ArgumentNullException.ThrowIfNull(fault);
        for (var i = 0; i < count; i++)
        {
            _faults.Enqueue(fault);
        }
    }

    /// <summary>Removes every queued fault.</summary>
    public void ClearFaults() => _faults.Clear();

    /// <summary>Stops the server.</summary>
    /// <returns>A task that completes when Kestrel has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static Task WriteJsonAsync(HttpResponse response, int status, object body)
    {
        response.StatusCode = status;
        response.ContentType = "application/json;charset=UTF-8";
        response.Headers.CacheControl = "no-store";
        response.Headers.Pragma = "no-cache";
        return response.WriteAsync(JsonSerializer.Serialize(body));
    }

    private static Task WriteErrorAsync(HttpResponse response, int status, string error, string description) =>
        WriteJsonAsync(response, status, new Dictionary<string, string> { ["error"] = error, ["error_description"] = description });

    private string? IdTokenFor(OAuth2Grant grant)
    {
        if (!_options.IssueIdToken)
        {
            return null;
        }

        var now = Now;
        var payload = new Dictionary<string, object>
        {
            ["iss"] = BaseAddress.AbsoluteUri,
            ["sub"] = grant.User.Id,
            ["aud"] = _options.ClientId,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = (now + _options.AccessTokenLifetime).ToUnixTimeSeconds(),
            ["preferred_username"] = grant.User.Email,
        };
        return JwtHandler.CreateToken(JsonSerializer.Serialize(payload), _idTokenCredentials);
    }
}
