// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;
using System.Text;
using System.Text.Json;

namespace SessionKit.Tests.Support;

/// <summary>
/// An OAuth 2.0 token endpoint double that rotates refresh tokens like a real server: strict (a second use revokes the whole
/// family) or with a reuse leeway. Each request is processed on its own, detached from the client, so a client that gives up
/// (an attempt timeout) does not stop the server from committing the rotation, as on a real slow server. It counts requests
/// in flight at the server and can hold them at a gate.
/// </summary>
internal sealed class RotatingOAuth2Server : HttpMessageHandler
{
    private readonly object _sync = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _leeway;
    private readonly Dictionary<string, (string Child, DateTimeOffset UsedAt)> _used = new(StringComparer.Ordinal);
    private readonly List<TaskCompletionSource> _arrivals = [];
    private TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _active;
    private int _requests;
    private int _inFlight;
    private int _maxInFlight;
    private int _counter;

    public RotatingOAuth2Server(TimeProvider time, TimeSpan leeway, string initialRefreshToken = "rt-0")
    {
        _time = time;
        _leeway = leeway;
        _active = initialRefreshToken;
        _gate.SetResult();
    }

    public static Uri TokenEndpoint { get; } = new("https://login.example.test/connect/token");

    public int Requests => Volatile.Read(ref _requests);

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    /// <summary>Gets a value indicating whether the server revoked the token family (a reuse outside the leeway).</summary>
    public bool Revoked { get; private set; }

    public string? ActiveRefreshToken
    {
        get
        {
            lock (_sync)
            {
                return _active;
            }
        }
    }

    /// <summary>Gets or sets the body of the next success answers, given the new refresh token; a standard answer when null.</summary>
    public Func<string, string>? SuccessBody { get; set; }

    /// <summary>Holds every request that arrives from now on until <see cref="Release"/>.</summary>
    public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _gate.TrySetResult();

    /// <summary>Completes when the server has received <paramref name="count"/> requests.</summary>
    public Task WaitForRequestsAsync(int count)
    {
        lock (_sync)
        {
            while (_arrivals.Count < count)
            {
                _arrivals.Add(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            }

            return _arrivals[count - 1].Task;
        }
    }

    /// <summary>Completes when no request is being processed.</summary>
    public async Task WhenIdleAsync()
    {
        while (Volatile.Read(ref _inFlight) > 0)
        {
            await Task.Yield();
        }
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var form = request.Content!.ReadAsStringAsync(CancellationToken.None).GetAwaiter().GetResult();
        var refreshToken = form.Split('&').Select(p => p.Split('=')).Where(p => p[0] == "refresh_token").Select(p => Uri.UnescapeDataString(p[1])).Single();

        // The server keeps processing whatever the client does.
        var processing = Task.Run(() => ProcessAsync(refreshToken), CancellationToken.None);
        return processing.WaitAsync(cancellationToken);
    }

    private async Task<HttpResponseMessage> ProcessAsync(string refreshToken)
    {
        var now = Interlocked.Increment(ref _inFlight);
        int max;
        while ((max = Volatile.Read(ref _maxInFlight)) < now && Interlocked.CompareExchange(ref _maxInFlight, now, max) != max)
        {
        }

        var number = Interlocked.Increment(ref _requests);
        _ = WaitForRequestsAsync(number);
        lock (_sync)
        {
            _arrivals[number - 1].TrySetResult();
        }

        try
        {
            await _gate.Task;
            lock (_sync)
            {
                if (!Revoked && refreshToken == _active)
                {
                    var child = "rt-" + Interlocked.Increment(ref _counter).ToString(System.Globalization.CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8];
                    _used[refreshToken] = (child, _time.GetUtcNow());
                    _active = child;
                    return Success(child);
                }

                if (!Revoked && _used.TryGetValue(refreshToken, out var used) && _time.GetUtcNow() - used.UsedAt <= _leeway)
                {
                    // Inside the leeway: the same token is accepted again (answered with the active child).
                    return Success(used.Child);
                }

                // A replay outside the leeway (or any replay on a strict server): the whole family is revoked.
                Revoked = true;
                _active = null;
                return new HttpResponseMessage(HttpStatusCode.BadRequest)
                {
                    Content = new StringContent("""{"error":"invalid_grant","error_description":"The specified token has already been redeemed."}""", Encoding.UTF8, "application/json"),
                };
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private HttpResponseMessage Success(string refreshToken)
    {
        var body = SuccessBody?.Invoke(refreshToken)
            ?? JsonSerializer.Serialize(new { access_token = "at-" + Guid.NewGuid().ToString("N"), token_type = "Bearer", expires_in = 3600, refresh_token = refreshToken });
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
    }
}
