// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;
using SessionKit.Browser.Internal;
using SessionKit.Internal;

namespace SessionKit.Browser;

/// <summary>
/// A session store for Blazor WebAssembly shared by every tab of the app: sessions in <c>localStorage</c> (or
/// <c>sessionStorage</c>, or memory), one refresh at a time across tabs, and every tab told of every change.
/// </summary>
/// <remarks>
/// <para>
/// Every read goes to web storage (a synchronous call in WebAssembly; the entry is decoded again only when its text changed), so a
/// tab never acts on a session it held before it was hidden, frozen or asleep: after a wake-up its first request, and its
/// refresh coordinator after taking the refresh lock, see what the other tabs stored meanwhile.
/// </para>
/// <para>
/// The refresh lock (<see cref="IRefreshLock"/>) is a Web Lock (<c>navigator.locks</c>) held for the whole refresh and released
/// by the browser if the tab closes or crashes; where Web Locks is missing or <see cref="BrowserTokenStoreOptions.UseWebLocks"/>
/// is off, a lease in <c>localStorage</c> that its holder renews (best effort: see <see cref="BrowserTokenStoreOptions.LeaseDuration"/>).
/// Compare-and-swap writes run under a short Web Lock of the entry, so two tabs cannot both replace the same session.
/// </para>
/// <para>
/// Another tab's write arrives as a <c>storage</c> event and raises <see cref="SessionChanged"/>; with
/// <c>StartSessionKitBrowserAsync</c> an end written by another tab also raises <see cref="RefreshCoordinator.SessionEnded"/> in
/// this one at once. Call <see cref="StartAsync"/> (which that method does) before the first use; a store used before it is
/// started starts itself.
/// </para>
/// <para>
/// A corrupt entry, or one copied from another key, is kept aside under <c>{prefix}unusable:{key}</c>, removed, and reported once
/// as <see cref="TokenStoreException"/> (<see cref="TokenStoreException.KeptAsidePath"/> names the entry kept aside); the next read
/// finds no session. Web storage that is disabled, blocked or full surfaces as a transient <see cref="TokenStoreException"/>
/// (<see cref="TokenStoreProblem.Unavailable"/>) and the session is kept.
/// </para>
/// </remarks>
public sealed class BrowserTokenStore : ITokenStore, IRefreshLock, IAsyncDisposable
{
    private const string ModulePath = "./_content/SessionKit.Browser/sessionkit-browser.js";

    private readonly IJSRuntime _js;
    private readonly BrowserTokenStoreOptions _options;
    private readonly ILogger _logger;
    private readonly InMemoryTokenStore? _memory;
    private readonly InMemoryTokenStore _tabLocks = new(maxEnds: 0);
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _startGate = new(1, 1);
    private IJSObjectReference? _module;
    private DotNetObjectReference<JsListener>? _listener;
    private int _nextTicket;
    private bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="BrowserTokenStore"/> class.</summary>
    /// <param name="jsRuntime">The page's JavaScript runtime (in WebAssembly, an in-process one: reads are then synchronous).</param>
    /// <param name="options">The options; defaults when <see langword="null"/>.</param>
    /// <param name="logger">The logger, which gets session keys hashed (see <see cref="SessionKitOptions.LogSessionKeys"/>); none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="jsRuntime"/> is <see langword="null"/>.</exception>
    /// <exception cref="OptionsValidationException">The options are out of range.</exception>
    public BrowserTokenStore(IJSRuntime jsRuntime, IOptions<BrowserTokenStoreOptions>? options = null, ILogger<BrowserTokenStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(jsRuntime);
        _js = jsRuntime;
        _options = options?.Value ?? new BrowserTokenStoreOptions();
        BrowserTokenStoreOptionsValidator.ThrowIfInvalid(_options);
        _logger = SessionKeyLogging.Protect(logger);
        _memory = _options.Storage == BrowserStorageKind.Memory ? new InMemoryTokenStore() : null;
        Span<byte> id = stackalloc byte[4];
        RandomNumberGenerator.Fill(id);
        TabId = Convert.ToHexString(id).ToLowerInvariant();
    }

    /// <summary>Raised when a session of this store is stored, rotated, ended or removed, by this tab or by another one.</summary>
    /// <remarks>Raised on the page's (single) thread; handlers should be short. Exceptions they throw are logged and ignored.</remarks>
    public event EventHandler<BrowserSessionChangedEventArgs>? SessionChanged;

    /// <summary>Gets this tab's id: random, 8 hex digits, new with each load of the app.</summary>
    /// <value>The id written beside every entry this tab stores (see <see cref="BrowserSessionChangedEventArgs.WriterTabId"/>).</value>
    public string TabId { get; }

    /// <summary>Gets where this store keeps sessions.</summary>
    /// <value>The configured <see cref="BrowserTokenStoreOptions.Storage"/>.</value>
    public BrowserStorageKind Storage => _options.Storage;

    /// <summary>Gets a value indicating whether the refresh lock uses Web Locks (else a lease in <c>localStorage</c>).</summary>
    /// <value>Known once <see cref="StartAsync"/> has run; <see langword="false"/> before, and for <see cref="BrowserStorageKind.Memory"/>.</value>
    public bool UsesWebLocks { get; private set; }

    private int StorageCode => (int)_options.Storage;

    /// <summary>
    /// Loads the JavaScript module and starts listening for other tabs' writes and for wake-ups. Idempotent; nothing to do for
    /// <see cref="BrowserStorageKind.Memory"/>.
    /// </summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes when the store is ready.</returns>
    /// <exception cref="ObjectDisposedException">The store was disposed.</exception>
    /// <exception cref="InvalidOperationException">Another <see cref="BrowserTokenStore"/> over web storage is started in this page (one per page).</exception>
    public async ValueTask StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_memory is not null || _module is not null)
        {
            return;
        }

        await _startGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_module is not null)
            {
                return;
            }

            var module = await _js.InvokeAsync<IJSObjectReference>("import", cancellationToken, ModulePath).ConfigureAwait(false);
            _listener = DotNetObjectReference.Create(new JsListener(this));
            try
            {
                UsesWebLocks = await module.InvokeAsync<bool>(
                    "start",
                    cancellationToken,
                    _listener,
                    TabId,
                    StorageCode,
                    _options.KeyPrefix,
                    _options.UseWebLocks,
                    (int)_options.LeaseDuration.TotalMilliseconds).ConfigureAwait(false);
            }
            catch (JSException ex) when (ex.Message.Contains("SessionKitAlreadyStarted", StringComparison.Ordinal))
            {
                _listener.Dispose();
                _listener = null;
                throw new InvalidOperationException(
                    "Another BrowserTokenStore is started in this page. The JavaScript module serves one store per page: register one (AddBrowserStore registers a singleton), or dispose the first before starting another.");
            }
            _module = module;
            BrowserLog.Started(_logger, TabId, _options.Storage, UsesWebLocks ? "Web Locks" : "storage lease");
        }
        finally
        {
            _startGate.Release();
        }
    }

    /// <inheritdoc/>
    public ValueTask<Session?> GetAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_memory is not null)
        {
            return _memory.GetAsync(key, cancellationToken);
        }

        if (_module is IJSInProcessObjectReference sync)
        {
            // The hot path in WebAssembly: one synchronous read; the entry is decoded again only when its text changed.
            var raw = ReadNow(sync, key);
            return Resolve(key, raw, out var unusable) is { } entry ? new(entry.Session) : KeepAsideThenThrowAsync(key, raw, unusable!);
        }

        return GetSlowAsync(key, cancellationToken);
    }

    /// <inheritdoc/>
    public async ValueTask<SessionEnd?> GetEndAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_memory is not null)
        {
            return await _memory.GetEndAsync(key, cancellationToken).ConfigureAwait(false);
        }

        return (await ReadEntryAsync(key, cancellationToken).ConfigureAwait(false)).End;
    }

    /// <inheritdoc/>
    public async ValueTask SetAsync(string key, Session session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(session);
        if (_memory is not null)
        {
            await _memory.SetAsync(key, session, cancellationToken).ConfigureAwait(false);
            RaiseChanged(key, session.Version, isEnded: false, TabId, isFromThisTab: true);
            return;
        }

        var module = await ModuleAsync(cancellationToken).ConfigureAwait(false);
        var raw = EntryCodec.Encode(key, session, TabId);
        await WriteAsync(module, key, "write", raw, cancellationToken).ConfigureAwait(false);
        Remember(key, new Entry(raw, session, null, TabId));
    }

    /// <inheritdoc/>
    public async ValueTask<bool> TryReplaceAsync(string key, Session? expected, Session? replacement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_memory is not null)
        {
            var swapped = await _memory.TryReplaceAsync(key, expected, replacement, cancellationToken).ConfigureAwait(false);
            if (swapped)
            {
                RaiseChanged(key, replacement?.Version, isEnded: false, TabId, isFromThisTab: true);
            }

            return swapped;
        }

        while (true)
        {
            var current = await ReadEntryAsync(key, cancellationToken).ConfigureAwait(false);
            if (current.Session is null ? expected is not null : expected is null || !EntryCodec.SameTokens(current.Session, expected))
            {
                return false;
            }

            if (current.Session is null && replacement is null)
            {
                return true;
            }

            var raw = replacement is null ? null : EntryCodec.Encode(key, replacement, TabId);
            if (await CompareAndSetAsync(key, current.Raw, raw, cancellationToken).ConfigureAwait(false))
            {
                Remember(key, raw is null ? Entry.Empty : new Entry(raw, replacement, null, TabId));
                return true;
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask<bool> TryEndAsync(string key, Session expected, SessionEnd end, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(end);
        if (_memory is not null)
        {
            var ended = await _memory.TryEndAsync(key, expected, end, cancellationToken).ConfigureAwait(false);
            if (ended)
            {
                RaiseChanged(key, version: null, isEnded: true, TabId, isFromThisTab: true);
            }

            return ended;
        }

        while (true)
        {
            var current = await ReadEntryAsync(key, cancellationToken).ConfigureAwait(false);
            if (current.Session is null || !EntryCodec.SameTokens(current.Session, expected))
            {
                return false;
            }

            var raw = EntryCodec.Encode(key, end, TabId);
            if (await CompareAndSetAsync(key, current.Raw, raw, cancellationToken).ConfigureAwait(false))
            {
                Remember(key, new Entry(raw, null, end, TabId));
                return true;
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask RemoveAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_memory is not null)
        {
            await _memory.RemoveAsync(key, cancellationToken).ConfigureAwait(false);
            RaiseChanged(key, version: null, isEnded: false, writerTabId: null, isFromThisTab: true);
            return;
        }

        var module = await ModuleAsync(cancellationToken).ConfigureAwait(false);
        await WriteAsync(module, key, "write", null, cancellationToken).ConfigureAwait(false);
        Remember(key, Entry.Empty);
    }

    /// <summary>
    /// Waits for the refresh lock of <paramref name="sessionKey"/>, shared by every tab of the origin: a Web Lock, or where Web
    /// Locks is unavailable a lease in <c>localStorage</c>.
    /// </summary>
    /// <param name="sessionKey">The session key.</param>
    /// <param name="cancellationToken">Stops waiting; a lock granted after that is released at once.</param>
    /// <returns>The held lock; dispose it to release. The browser releases it if the tab closes or crashes first.</returns>
    /// <exception cref="TimeoutException">The lock was not acquired within <see cref="BrowserTokenStoreOptions.LockTimeout"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="TokenStoreException">The lease could not be written: storage is full or blocked (<see cref="TokenStoreProblem.Unavailable"/>, transient).</exception>
    public async ValueTask<IAsyncDisposable> AcquireRefreshLockAsync(string sessionKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionKey);
        if (_options.Storage != BrowserStorageKind.Local)
        {
            // Memory and sessionStorage belong to this tab alone: no other tab refreshes its session, so the in-process lock
            // (which the coordinator's single flight already implies) is all it takes, and nothing is written to localStorage.
            return await _tabLocks.AcquireRefreshLockAsync(sessionKey, cancellationToken).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var module = await ModuleAsync(cancellationToken).ConfigureAwait(false);
        var ticket = Interlocked.Increment(ref _nextTicket);

        var name = _options.KeyPrefix + (UsesWebLocks ? "refresh:" : "lease:") + sessionKey;
        bool held;
        using (cancellationToken.Register(() => _ = CancelTicketAsync(module, ticket)))
        {
            try
            {
                held = await module.InvokeAsync<bool>("acquire", CancellationToken.None, ticket, name, (int)_options.LockTimeout.TotalMilliseconds).ConfigureAwait(false);
            }
            catch (JSException ex)
            {
                // The lease could not be written (storage full or blocked): a transient store error like any other store's
                // unreachable lock, rather than a JSException the refresh coordinator does not know.
                throw Unavailable(sessionKey, "refresh lock", ex);
            }
        }

        var heldLock = new HeldLock(module, ticket);
        if (cancellationToken.IsCancellationRequested)
        {
            await heldLock.DisposeAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        if (!held)
        {
            throw new TimeoutException($"The refresh lock shared by the tabs of this app was not acquired within {_options.LockTimeout.TotalSeconds:0.#} s: another tab holds it.");
        }

        return heldLock;
    }

    /// <summary>Stops listening to the page and releases the JavaScript module.</summary>
    /// <returns>A task that completes when the module is released.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_module is { } module)
        {
            try
            {
                await module.InvokeVoidAsync("stop").ConfigureAwait(false);
                await module.DisposeAsync().ConfigureAwait(false);
            }
            catch (JSDisconnectedException)
            {
                // The page is gone.
            }
        }

        _listener?.Dispose();
        _startGate.Dispose();
    }

    /// <summary>Another tab wrote <paramref name="raw"/> for <paramref name="sessionKey"/> (a storage event).</summary>
    internal void OnChangedElsewhere(string sessionKey, string? raw)
    {
        Entry entry;
        try
        {
            entry = EntryCodec.Decode(sessionKey, raw);
        }
        catch (UnusableEntryException)
        {
            // The next read keeps it aside and reports it; an event carries nothing about it.
            _entries.TryRemove(sessionKey, out _);
            return;
        }

        _entries[sessionKey] = entry;
        BrowserLog.ChangedElsewhere(_logger, sessionKey, entry.Writer, entry.Session?.Version, entry.End is not null);
        RaiseChanged(sessionKey, entry.Session?.Version, entry.End is not null, entry.Writer, isFromThisTab: false);
    }

    /// <summary>Another tab (or the user) cleared <c>localStorage</c>.</summary>
    internal void OnCleared()
    {
        foreach (var key in _entries.Keys)
        {
            _entries.TryRemove(key, out _);
            RaiseChanged(key, version: null, isEnded: false, writerTabId: null, isFromThisTab: false);
        }
    }

    /// <summary>This tab became visible, resumed or was restored: re-read every key it knows and report what changed meanwhile.</summary>
    internal void OnWake()
    {
        BrowserLog.Woke(_logger, TabId);
        if (_module is not IJSInProcessObjectReference sync)
        {
            return;
        }

        foreach (var (key, known) in _entries)
        {
            string? raw;
            try
            {
                raw = ReadNow(sync, key);
            }
            catch (TokenStoreException)
            {
                continue;
            }

            if (!string.Equals(raw, known.Raw, StringComparison.Ordinal))
            {
                OnChangedElsewhere(key, raw);
            }
        }
    }

    private static async Task CancelTicketAsync(IJSObjectReference module, int ticket)
    {
        try
        {
            await module.InvokeVoidAsync("cancel", ticket).ConfigureAwait(false);
        }
        catch (JSException)
        {
            // Nothing left to cancel.
        }
        catch (JSDisconnectedException)
        {
            // The page is gone, and the lock with it.
        }
    }

    [UnconditionalSuppressMessage(
        "Trimming",
        "IL2026:RequiresUnreferencedCode",
        Justification = "The result is a string, which System.Text.Json reads with a built-in converter: no member of any type is reached by reflection.")]
    private static string? ReadString(IJSInProcessObjectReference module, int storage, string name) =>
        module.Invoke<string?>("read", storage, name);

    private string EntryName(string sessionKey) => _options.KeyPrefix + "session:" + sessionKey;

    private string? ReadNow(IJSInProcessObjectReference sync, string key)
    {
        try
        {
            return ReadString(sync, StorageCode, EntryName(key));
        }
        catch (JSException ex)
        {
            throw Unavailable(key, "read", ex);
        }
    }

    private async ValueTask<IJSObjectReference> ModuleAsync(CancellationToken cancellationToken)
    {
        if (_module is null)
        {
            await StartAsync(cancellationToken).ConfigureAwait(false);
        }

        return _module!;
    }

    private async ValueTask<Session?> GetSlowAsync(string key, CancellationToken cancellationToken) =>
        (await ReadEntryAsync(key, cancellationToken).ConfigureAwait(false)).Session;

    /// <summary>Reads and decodes the entry of <paramref name="key"/>; an unusable one is kept aside and reported.</summary>
    private async ValueTask<Entry> ReadEntryAsync(string key, CancellationToken cancellationToken)
    {
        var module = await ModuleAsync(cancellationToken).ConfigureAwait(false);
        string? raw;
        try
        {
            raw = module is IJSInProcessObjectReference sync
                ? ReadString(sync, StorageCode, EntryName(key))
                : await module.InvokeAsync<string?>("read", cancellationToken, StorageCode, EntryName(key)).ConfigureAwait(false);
        }
        catch (JSException ex)
        {
            throw Unavailable(key, "read", ex);
        }

        return Resolve(key, raw, out var unusable) ?? await KeepAsideAsync(key, raw, unusable!).ConfigureAwait(false);
    }

    /// <summary>
    /// The entry for <paramref name="raw"/>: the one remembered when the text has not changed since the last read (no decoding on
    /// the hot path), else decoded and remembered; <see langword="null"/>, with why, when the text is not a usable entry.
    /// </summary>
    private Entry? Resolve(string key, string? raw, out UnusableEntryException? unusable)
    {
        unusable = null;
        if (_entries.TryGetValue(key, out var known) && string.Equals(known.Raw, raw, StringComparison.Ordinal))
        {
            return known;
        }

        try
        {
            var entry = EntryCodec.Decode(key, raw);
            _entries[key] = entry;
            return entry;
        }
        catch (UnusableEntryException ex)
        {
            unusable = ex;
            return null;
        }
    }

    private async ValueTask<Session?> KeepAsideThenThrowAsync(string key, string? raw, UnusableEntryException why) =>
        (await KeepAsideAsync(key, raw, why).ConfigureAwait(false)).Session;

    /// <summary>
    /// Copies an unusable entry aside, removes it if nobody replaced it meanwhile, and throws the store error that reports it. The
    /// entry's text is never put into the message or the log.
    /// </summary>
    /// <exception cref="TokenStoreException">Always.</exception>
    private async Task<Entry> KeepAsideAsync(string key, string? raw, UnusableEntryException why)
    {
        var module = _module!;
        var aside = _options.KeyPrefix + "unusable:" + key;
        await WriteAsync(module, key, "write-aside", raw, CancellationToken.None, aside).ConfigureAwait(false);
        await CompareAndSetAsync(key, raw, null, CancellationToken.None).ConfigureAwait(false);
        _entries.TryRemove(key, out _);
        BrowserLog.EntryUnusable(_logger, key, why.Problem, why.Message, aside);
        throw new TokenStoreException(
            why.Problem,
            EntryName(key),
            aside,
            $"The browser storage entry of a session is unusable: {why.Message}. It was kept aside under the entry named in KeptAsidePath and removed; sign in again.",
            why);
    }

    private async ValueTask WriteAsync(IJSObjectReference module, string key, string operation, string? raw, CancellationToken cancellationToken, string? name = null)
    {
        try
        {
            if (module is IJSInProcessObjectReference sync)
            {
                sync.InvokeVoid("write", StorageCode, name ?? EntryName(key), raw);
            }
            else
            {
                await module.InvokeVoidAsync("write", cancellationToken, StorageCode, name ?? EntryName(key), raw).ConfigureAwait(false);
            }
        }
        catch (JSException ex)
        {
            throw Unavailable(key, operation, ex);
        }
    }

    private async ValueTask<bool> CompareAndSetAsync(string key, string? expected, string? raw, CancellationToken cancellationToken)
    {
        var module = await ModuleAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await module.InvokeAsync<bool>("compareAndSet", cancellationToken, StorageCode, EntryName(key), expected, raw).ConfigureAwait(false);
        }
        catch (JSException ex)
        {
            throw Unavailable(key, "compare-and-set", ex);
        }
    }

    private TokenStoreException Unavailable(string key, string operation, JSException cause)
    {
        // The JavaScript error's name says enough (SecurityError, QuotaExceededError); its message is not ours to repeat, not even
        // as the inner exception: Chromium's QuotaExceededError names the entry, and so the session key.
        var errorName = cause.Message.Split(':', 2)[0].Trim();
        BrowserLog.StorageUnavailable(_logger, key, operation, errorName);
        return new TokenStoreException(
            TokenStoreProblem.Unavailable,
            EntryName(key),
            null,
            $"Browser storage is unavailable ({operation}): it is disabled, blocked by the browser's settings, or full. The session is kept; retry later.",
            new JSException(errorName))
        {
            SessionKey = key,
        };
    }

    private void Remember(string key, Entry entry)
    {
        _entries[key] = entry;
        RaiseChanged(key, entry.Session?.Version, entry.End is not null, TabId, isFromThisTab: true);
    }

    private void RaiseChanged(string key, long? version, bool isEnded, string? writerTabId, bool isFromThisTab)
    {
        var handler = SessionChanged;
        if (handler is null)
        {
            return;
        }

        try
        {
            handler(this, new BrowserSessionChangedEventArgs(key, version, isEnded, writerTabId, isFromThisTab));
        }
#pragma warning disable CA1031 // An app's handler must not break the store's write that raised it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            BrowserLog.HandlerFailed(_logger, ex);
        }
    }
}
