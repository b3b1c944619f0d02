// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.JSInterop;
using SessionKit.Browser.Internal;

namespace SessionKit.Browser.Tests.Support;

/// <summary>One tab of a <see cref="FakeBrowser"/>: its JavaScript runtime and the module it imports.</summary>
internal sealed class FakeTab : IJSRuntime, IJSInProcessObjectReference
{
    private readonly FakeBrowser _browser;
    private readonly ConcurrentDictionary<string, string> _sessionStorage = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, SemaphoreSlim> _held = new();
    private readonly ConcurrentDictionary<int, CancellationTokenSource> _waits = new();
    private JsListener? _listener;
    private string _prefix = "sessionkit:";

    public FakeTab(FakeBrowser browser) => _browser = browser;

    /// <summary>Gets how many lock requests of this tab are waiting for their lock now.</summary>
    public int LockWaits => _waits.Count;

    /// <summary>Gets or sets a value indicating whether the tab is frozen: storage events are queued, not delivered.</summary>
    public bool Frozen { get; set; }

    public ConcurrentQueue<(string Name, string? Value)> Queued { get; } = new();

    public int Reads { get; private set; }

    /// <summary>Delivers the storage events queued while frozen, then the wake-up, as the browser does on resume.</summary>
    public void Resume()
    {
        Frozen = false;
        while (Queued.TryDequeue(out var e))
        {
            OnStorageEvent(e.Name, e.Value);
        }

        _listener?.OnWake();
    }

    public void Wake() => _listener?.OnWake();

    public ValueTask<TValue> InvokeAsync<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicFields | DynamicallyAccessedMemberTypes.PublicProperties)] TValue>(string identifier, object?[]? args) =>
        InvokeAsync<TValue>(identifier, CancellationToken.None, args);

    public async ValueTask<TValue> InvokeAsync<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicFields | DynamicallyAccessedMemberTypes.PublicProperties)] TValue>(string identifier, CancellationToken cancellationToken, object?[]? args)
    {
        await Task.Yield();
        args ??= [];
        switch (identifier)
        {
            case "import":
                return (TValue)(object)this;
            case "start":
                if (_listener is not null)
                {
                    // As the module does: one store per page.
                    throw new JSException("SessionKitAlreadyStarted: another BrowserTokenStore is started in this page");
                }

                _listener = ((DotNetObjectReference<JsListener>)args[0]!).Value;
                _prefix = (string)args[3]!;
                return (TValue)(object)((bool)args[4]! && _browser.HasWebLocks);
            case "compareAndSet":
                return (TValue)(object)CompareAndSet((int)args[0]!, (string)args[1]!, (string?)args[2], (string?)args[3]);
            case "acquire":
                return (TValue)(object)await AcquireAsync((int)args[0]!, (string)args[1]!, (int)args[2]!);
            case "release":
            case "cancel":
            case "stop":
            case "write":
            case "read":
                return Invoke<TValue>(identifier, args);
            default:
                throw new InvalidOperationException($"No such function: {identifier}.");
        }
    }

    public TValue Invoke<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicFields | DynamicallyAccessedMemberTypes.PublicProperties)] TValue>(string identifier, params object?[]? args)
    {
        args ??= [];
        switch (identifier)
        {
            case "read":
                ThrowIfUnavailable("SecurityError: The operation is insecure.");
                Reads++;
                return (TValue)(object?)(Area((int)args[0]!).TryGetValue((string)args[1]!, out var value) ? value : null)!;
            case "write":
                ThrowIfUnavailable(QuotaExceeded((string)args[1]!));
                Write((int)args[0]!, (string)args[1]!, (string?)args[2]);
                return default!;
            case "release":
                if (_held.TryRemove((int)args[0]!, out var held))
                {
                    held.Release();
                }

                return default!;
            case "cancel":
                if (_waits.TryGetValue((int)args[0]!, out var wait))
                {
                    wait.Cancel();
                }

                return default!;
            case "stop":
                _listener = null;
                return default!;
            default:
                throw new InvalidOperationException($"No such synchronous function: {identifier}.");
        }
    }

    public void Dispose()
    {
    }

    public ValueTask DisposeAsync() => default;

    internal void OnStorageEvent(string name, string? value)
    {
        if (Frozen)
        {
            Queued.Enqueue((name, value));
            return;
        }

        var sessionPrefix = _prefix + "session:";
        if (_listener is { } listener && name.StartsWith(sessionPrefix, StringComparison.Ordinal))
        {
            listener.OnStorageChanged(name[sessionPrefix.Length..], value);
        }
    }

    private ConcurrentDictionary<string, string> Area(int kind) => kind == 1 ? _sessionStorage : _browser.LocalStorage;

    /// <summary>Chromium's message for a full localStorage, which names the entry (and so the session key).</summary>
    private static string QuotaExceeded(string name) =>
        $"QuotaExceededError: Failed to execute 'setItem' on 'Storage': Setting the value of '{name}' exceeded the quota.";

    private void ThrowIfUnavailable(string error)
    {
        if (_browser.StorageUnavailable)
        {
            throw new JSException(error);
        }
    }

    private void Write(int kind, string name, string? value)
    {
        if (value is null)
        {
            Area(kind).TryRemove(name, out _);
        }
        else
        {
            Area(kind)[name] = value;
        }

        if (kind == 0)
        {
            _browser.Dispatch(this, name, value);
        }
    }

    private bool CompareAndSet(int kind, string name, string? expected, string? value)
    {
        ThrowIfUnavailable(QuotaExceeded(name));
        lock (_browser)
        {
            Area(kind).TryGetValue(name, out var current);
            if (!string.Equals(current, expected, StringComparison.Ordinal))
            {
                return false;
            }

            Write(kind, name, value);
            return true;
        }
    }

    private async Task<bool> AcquireAsync(int ticket, string name, int timeoutMs)
    {
        if (!_browser.HasWebLocks)
        {
            // The lease is written to localStorage.
            ThrowIfUnavailable("QuotaExceededError: The quota has been exceeded.");
        }

        var gate = _browser.LockOf(name);
        using var wait = new CancellationTokenSource(timeoutMs);
        _waits[ticket] = wait;
        try
        {
            await gate.WaitAsync(wait.Token);
            _held[ticket] = gate;
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        finally
        {
            _waits.TryRemove(ticket, out _);
        }
    }
}
