// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Components;
using SessionKit.Browser;

namespace SessionKit.Samples.Blazor;

/// <summary>
/// The sample's only page: sign in, then call the API every few hundred milliseconds through SessionKit's handler and show
/// the session's version, which tab refreshed it last, the API answers, and why the session ended when it does.
/// </summary>
public sealed partial class Dashboard
{
    private readonly CancellationTokenSource _disposed = new();
    private Phase _phase = Phase.Loading;
    private long _phaseSince;
    private string _email = DemoSettings.DemoEmail;
    private string _password = DemoSettings.DemoPassword;
    private bool _busy;
    private string? _error;
    private long? _version;
    private DateTimeOffset? _expiresAt;
    private int _apiOk;
    private int _api401;
    private int _apiErrors;
    private string? _lastData;
    private SessionEndedEventArgs? _end;
    private CancellationTokenSource? _polling;

    private enum Phase
    {
        Loading,
        SignedOut,
        SignedIn,
    }

    [Inject]
    private SessionClient Session { get; set; } = null!;

    [Inject]
    private IHttpClientFactory HttpClients { get; set; } = null!;

    [Inject]
    private TabActivity Activity { get; set; } = null!;

    [Inject]
    private BrowserTokenStore Store { get; set; } = null!;

    [Inject]
    private DemoSettings Settings { get; set; } = null!;

    [Inject]
    private TimeProvider Time { get; set; } = null!;

    private string StateName => _phase switch
    {
        Phase.SignedIn => "signed-in",
        Phase.SignedOut => "signed-out",
        _ => "loading",
    };

    private string StatusText => _phase switch
    {
        Phase.SignedIn => "Signed in",
        Phase.SignedOut => _end is null ? "Signed out" : "Signed out (session ended)",
        _ => "Loading…",
    };

    private string StoreText => $"{Store.Storage.ToString().ToLowerInvariant()} storage, {(Store.UsesWebLocks ? "Web Locks" : "lease lock")}";

    private string ExpiresInText => _expiresAt is { } at
        ? Math.Max(0, (at - Time.GetUtcNow()).TotalSeconds).ToString("0.0 s", CultureInfo.InvariantCulture)
        : "—";

    private bool LastWriterIsThisTab => Activity.LastWriter == Activity.TabId;

    private static string ReasonText(SessionEndReason reason) => reason switch
    {
        SessionEndReason.SignedOut => "signed out",
        SessionEndReason.RefreshTokenAlreadyUsed => "a refresh token was used twice, so the server revoked the session",
        SessionEndReason.RefreshTokenNotFound => "the server no longer knows the refresh token",
        SessionEndReason.SessionExpired => "the session expired",
        SessionEndReason.SessionNotFound => "the server no longer has the session",
        SessionEndReason.UserBanned => "the user is banned",
        _ => reason.ToString(),
    };

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        Session.SessionEnded -= OnSessionEnded;
        Session.SessionRefreshed -= OnSessionRefreshed;
        Store.SessionChanged -= OnStoreChanged;
        Activity.Changed -= OnActivityChanged;
        await _disposed.CancelAsync();
        StopPolling();
        _disposed.Dispose();
    }

    /// <inheritdoc/>
    protected override async Task OnInitializedAsync()
    {
        Session.SessionEnded += OnSessionEnded;
        Session.SessionRefreshed += OnSessionRefreshed;
        Store.SessionChanged += OnStoreChanged;
        Activity.Changed += OnActivityChanged;

        // Another tab may have signed in already: its session is in the shared store.
        var session = await Session.GetSessionAsync(_disposed.Token);
        if (session is null)
        {
            SetPhase(Phase.SignedOut);
            return;
        }

        ShowSession(session);
        StartPolling();
    }

    private async Task SignInAsync()
    {
        _busy = true;
        _error = null;
        try
        {
            var session = await Session.SignInWithPasswordAsync(_email, _password, _disposed.Token);
            _end = null;
            _apiOk = _api401 = _apiErrors = 0;
            Activity.Written(Activity.TabId);
            ShowSession(session);
            StartPolling();
        }
        catch (SessionSignInException ex)
        {
            _error = ex.Message;
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task SignOutAsync()
    {
        _busy = true;
        try
        {
            await Session.SignOutAsync(_disposed.Token);
            ShowSignedOut();
        }
        finally
        {
            _busy = false;
        }
    }

    private void StartPolling()
    {
        StopPolling();
        _polling = CancellationTokenSource.CreateLinkedTokenSource(_disposed.Token);
        _ = PollAsync(_polling.Token);
    }

    private void StopPolling()
    {
        _polling?.Cancel();
        _polling?.Dispose();
        _polling = null;
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Settings.PollInterval, Time);
        var api = HttpClients.CreateClient("api");
        try
        {
            do
            {
                await CallApiAsync(api, cancellationToken);
                var session = await Session.GetSessionAsync(cancellationToken);
                if (session is null)
                {
                    ShowSignedOut();
                }
                else
                {
                    ShowSession(session);
                }

                StateHasChanged();
            }
            while (_phase == Phase.SignedIn && await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task CallApiAsync(HttpClient api, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await api.GetAsync("dashboard", cancellationToken);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                _api401++;
                return;
            }

            if (!response.IsSuccessStatusCode)
            {
                _apiErrors++;
                return;
            }

            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            _apiOk++;
            var user = body.RootElement.GetProperty("user").GetString() ?? "?";
            _lastData = $"user {user[..Math.Min(8, user.Length)]}…, {body.RootElement.GetProperty("path").GetString()} at {Time.GetLocalNow():HH:mm:ss.fff}";
        }
        catch (SessionKitException) when (!cancellationToken.IsCancellationRequested)
        {
            // Ended or signed out: the store read after the call shows it; SessionEnded carries the reason.
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            _apiErrors++;
        }
    }

    private void SetPhase(Phase phase)
    {
        if (_phase != phase)
        {
            _phase = phase;
            _phaseSince = Time.GetUtcNow().ToUnixTimeMilliseconds();
        }
    }

    private void ShowSession(Session session)
    {
        SetPhase(Phase.SignedIn);
        _version = session.Version;
        _expiresAt = session.ExpiresAt;
    }

    private void ShowSignedOut()
    {
        SetPhase(Phase.SignedOut);
        _version = null;
        _expiresAt = null;
        StopPolling();
    }

    private void OnSessionEnded(object? sender, SessionEndedEventArgs e) => _ = InvokeAsync(() =>
    {
        _end = e;
        ShowSignedOut();
        StateHasChanged();
    });

    private void OnSessionRefreshed(object? sender, SessionRefreshedEventArgs e) => _ = InvokeAsync(() =>
    {
        // Raised by this tab's coordinator, so this tab wrote the rotated session.
        Activity.Written(Activity.TabId);
        ShowSession(e.Session);
        StateHasChanged();
    });

    private void OnStoreChanged(object? sender, BrowserSessionChangedEventArgs e) => _ = InvokeAsync(async () =>
    {
        if (e.Version is null)
        {
            return; // an end raises SessionEnded in every tab; a removal shows at the next poll
        }

        Activity.Written(e.WriterTabId);
        if (_phase != Phase.SignedIn && await Session.GetSessionAsync(_disposed.Token) is { } session)
        {
            // Signed in in another tab: this one follows.
            _end = null;
            ShowSession(session);
            StartPolling();
        }

        StateHasChanged();
    });

    private void OnActivityChanged(object? sender, EventArgs e) => _ = InvokeAsync(StateHasChanged);
}
