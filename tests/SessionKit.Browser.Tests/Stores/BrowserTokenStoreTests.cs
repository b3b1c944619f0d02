// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using SessionKit.Browser.Tests.Support;

namespace SessionKit.Browser.Tests.Stores;

/// <summary>
/// The .NET side of <see cref="BrowserTokenStore"/> over a <see cref="FakeBrowser"/>: tabs sharing localStorage, storage events,
/// corrupt entries, unavailable storage and the refresh lock. The JavaScript module is exercised in Chromium by the browser tests.
/// </summary>
[TestFixture]
public sealed class BrowserTokenStoreTests
{
    private const string Key = "default";
    private const string EntryName = "sessionkit:session:" + Key;

    [Test]
    public async Task SetAsync_OneTab_OtherTabReadsItAndHearsWhoWroteIt()
    {
        var browser = new FakeBrowser();
        await using var a = await StartAsync(browser);
        await using var b = await StartAsync(browser);
        var heard = new List<BrowserSessionChangedEventArgs>();
        b.SessionChanged += (_, e) => heard.Add(e);
        var session = Sessions.Make(version: 3);

        await a.SetAsync(Key, session, CancellationToken.None);

        var read = await b.GetAsync(Key, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(read?.AccessToken, Is.EqualTo(session.AccessToken));
            Assert.That(read?.RefreshToken, Is.EqualTo(session.RefreshToken));
            Assert.That(read?.Version, Is.EqualTo(3));
            Assert.That(heard, Has.Count.EqualTo(1));
            Assert.That(heard[0].Version, Is.EqualTo(3));
            Assert.That(heard[0].WriterTabId, Is.EqualTo(a.TabId));
            Assert.That(heard[0].IsFromThisTab, Is.False);
            Assert.That(a.TabId, Is.Not.EqualTo(b.TabId).And.Match("^[0-9a-f]{8}$"));
        });
    }

    [Test]
    public async Task GetAsync_EntryUnchanged_ReturnsTheSameInstanceWithoutDecodingAgain()
    {
        var browser = new FakeBrowser();
        await using var store = await StartAsync(browser);
        await store.SetAsync(Key, Sessions.Make(), CancellationToken.None);

        var first = await store.GetAsync(Key, CancellationToken.None);
        var second = await store.GetAsync(Key, CancellationToken.None);

        Assert.That(second, Is.SameAs(first));
    }

    [Test]
    public async Task GetAsync_AnotherTabRotatedWhileThisOneSlept_ReturnsTheNewestWithoutAnyEvent()
    {
        var browser = new FakeBrowser();
        var sleepingTab = browser.OpenTab();
        await using var sleeper = await StartAsync(sleepingTab);
        await using var other = await StartAsync(browser);
        var first = Sessions.Make();
        await other.SetAsync(Key, first, CancellationToken.None);
        Assert.That((await sleeper.GetAsync(Key, CancellationToken.None))?.Version, Is.EqualTo(0));

        sleepingTab.Frozen = true;
        var second = Sessions.Next(first);
        var third = Sessions.Next(second);
        Assert.That(await other.TryReplaceAsync(Key, first, second, CancellationToken.None), Is.True);
        Assert.That(await other.TryReplaceAsync(Key, second, third, CancellationToken.None), Is.True);

        // No storage event reached the frozen tab, yet its first read after waking is the newest session: reads go to storage.
        var read = await sleeper.GetAsync(Key, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(sleepingTab.Queued, Has.Count.EqualTo(2));
            Assert.That(read?.RefreshToken, Is.EqualTo(third.RefreshToken));
        });
    }

    [Test]
    public async Task TryReplaceAsync_AnotherTabRotatedFirst_ReturnsFalseAndKeepsTheirs()
    {
        var browser = new FakeBrowser();
        await using var a = await StartAsync(browser);
        await using var b = await StartAsync(browser);
        var seen = Sessions.Make();
        await a.SetAsync(Key, seen, CancellationToken.None);
        _ = await b.GetAsync(Key, CancellationToken.None);
        var theirs = Sessions.Next(seen);
        var ours = Sessions.Next(seen);

        Assert.That(await a.TryReplaceAsync(Key, seen, theirs, CancellationToken.None), Is.True);
        Assert.That(await b.TryReplaceAsync(Key, seen, ours, CancellationToken.None), Is.False);

        Assert.That((await b.GetAsync(Key, CancellationToken.None))?.RefreshToken, Is.EqualTo(theirs.RefreshToken));
    }

    [Test]
    public async Task TryEndAsync_OneTab_OtherTabHearsTheEndAndReadsTheTombstone()
    {
        var browser = new FakeBrowser();
        await using var a = await StartAsync(browser);
        await using var b = await StartAsync(browser);
        var session = Sessions.Make();
        await a.SetAsync(Key, session, CancellationToken.None);
        var heard = new List<BrowserSessionChangedEventArgs>();
        b.SessionChanged += (_, e) => heard.Add(e);
        var end = SessionEnd.Create(SessionEndReason.RefreshTokenAlreadyUsed, DateTimeOffset.UnixEpoch, session.UserId, "refresh_token_already_used", "Invalid Refresh Token: Already Used");

        Assert.That(await a.TryEndAsync(Key, session, end, CancellationToken.None), Is.True);

        var tombstone = await b.GetEndAsync(Key, CancellationToken.None);
        Assert.Multiple(async () =>
        {
            Assert.That(await b.GetAsync(Key, CancellationToken.None), Is.Null);
            Assert.That(tombstone?.Id, Is.EqualTo(end.Id));
            Assert.That(tombstone?.Reason, Is.EqualTo(SessionEndReason.RefreshTokenAlreadyUsed));
            Assert.That(tombstone?.ErrorCode, Is.EqualTo("refresh_token_already_used"));
            Assert.That(heard.Select(e => (e.IsEnded, e.Version)), Is.EqualTo(new[] { (true, (long?)null) }));
            Assert.That(await a.TryEndAsync(Key, session, end, CancellationToken.None), Is.False, "a second end of the same session");
        });
    }

    [TestCase("{\"f\":1,\"k\":\"default\",\"s\":{\"a\":\"eyJhbGciOi", TokenStoreProblem.Corrupt, TestName = "GetAsync_TruncatedEntry_ThrowsCorruptKeepsItAsideAndNextReadFindsNothing")]
    [TestCase("<html><body>502 Bad Gateway</body></html>", TokenStoreProblem.Corrupt, TestName = "GetAsync_HtmlInTheEntry_ThrowsCorruptKeepsItAsideAndNextReadFindsNothing")]
    [TestCase("{\"f\":2,\"k\":\"default\",\"s\":{\"a\":\"x\"}}", TokenStoreProblem.Corrupt, TestName = "GetAsync_EntryOfAnUnknownFormat_ThrowsCorruptKeepsItAsideAndNextReadFindsNothing")]
    [TestCase("{\"f\":1,\"k\":\"default\",\"s\":{\"a\":\"\"}}", TokenStoreProblem.Corrupt, TestName = "GetAsync_SessionWithoutAccessToken_ThrowsCorruptKeepsItAsideAndNextReadFindsNothing")]
    [TestCase("{\"f\":1,\"k\":\"default\",\"s\":{\"a\":\"x\",\"x\":\"2030-01-01T00:00:00Z\",\"v\":\"seven\"}}", TokenStoreProblem.Corrupt, TestName = "GetAsync_MemberOfTheWrongType_ThrowsCorruptKeepsItAsideAndNextReadFindsNothing")]
    [TestCase("{\"f\":1,\"k\":\"default\",\"s\":{\"a\":\"x\",\"x\":\"yesterday\"}}", TokenStoreProblem.Corrupt, TestName = "GetAsync_MalformedExpiry_ThrowsCorruptKeepsItAsideAndNextReadFindsNothing")]
    [TestCase("{\"f\":1,\"k\":\"default\",\"e\":{\"r\":99,\"id\":\"x\",\"at\":\"2030-01-01T00:00:00Z\"}}", TokenStoreProblem.Corrupt, TestName = "GetAsync_TombstoneWithUnknownReason_ThrowsCorruptKeepsItAsideAndNextReadFindsNothing")]
    [TestCase("[1,2,3]", TokenStoreProblem.Corrupt, TestName = "GetAsync_JsonArray_ThrowsCorruptKeepsItAsideAndNextReadFindsNothing")]
    [TestCase("{\"f\":1,\"k\":\"user-42\",\"s\":{\"a\":\"secret-access\",\"r\":\"secret-refresh\",\"v\":1}}", TokenStoreProblem.CopiedFromElsewhere, TestName = "GetAsync_EntryCopiedFromAnotherKey_ThrowsCopiedFromElsewhereKeepsItAsideAndNextReadFindsNothing")]
    public async Task GetAsync_UnusableEntry_ThrowsTypedErrorKeepsItAsideAndNextReadFindsNothing(string raw, TokenStoreProblem problem)
    {
        var browser = new FakeBrowser();
        var logs = new FakeLogCollector();
        await using var store = await StartAsync(browser, logs: logs);
        browser.WriteFromOutside(EntryName, raw);

        var error = Assert.ThrowsAsync<TokenStoreException>(async () => await store.GetAsync(Key, CancellationToken.None));

        Assert.Multiple(async () =>
        {
            Assert.That(error!.Problem, Is.EqualTo(problem));
            Assert.That(error.IsTransient, Is.False);
            Assert.That(error.KeptAsidePath, Is.EqualTo("sessionkit:unusable:default"));
            Assert.That(browser.LocalStorage["sessionkit:unusable:default"], Is.EqualTo(raw), "kept aside as it was");
            Assert.That(browser.LocalStorage.ContainsKey(EntryName), Is.False);
            Assert.That(await store.GetAsync(Key, CancellationToken.None), Is.Null);
            Assert.That(error.ToString() + string.Join("\n", logs.GetSnapshot().Select(r => r.Message)), Does.Not.Contain("secret").And.Not.Contain("eyJhbGciOi").And.Not.Contain("Bad Gateway"));
        });
    }

    [Test]
    public async Task Logs_PersonalKeyInAnUnusableEntry_ShownOnlyAsAHashEvenInTheKeptAsideName()
    {
        // Keys are built from user ids (personal data): the log shows a hash in place of the key, also inside the name of the
        // entry kept aside, which embeds it.
        const string personalKey = "user:margaret@example.test";
        var browser = new FakeBrowser();
        var logs = new FakeLogCollector();
        await using var store = await StartAsync(browser, logs: logs);
        browser.WriteFromOutside("sessionkit:session:" + personalKey, "<html><body>502 Bad Gateway</body></html>");

        var error = Assert.ThrowsAsync<TokenStoreException>(async () => await store.GetAsync(personalKey, CancellationToken.None));

        var record = logs.GetSnapshot().Single(r => r.Id.Name == "BrowserEntryUnusable");
        var text = record.Message + "|" + string.Join("|", record.StructuredState!.Select(kv => kv.Value));
        var hash = SessionKit.Internal.SessionKeyHash.Of(personalKey);
        Assert.Multiple(() =>
        {
            Assert.That(error!.KeptAsidePath, Is.EqualTo("sessionkit:unusable:" + personalKey), "the exception's properties name the entry, for the app");
            Assert.That(text, Does.Not.Contain("margaret"));
            Assert.That(record.Message, Does.StartWith($"The browser storage entry of session '{hash}' is unusable").And.EndWith($"kept aside under 'sessionkit:unusable:{hash}'."));
        });
    }

    [Test]
    public async Task StartAsync_SecondStoreInTheSamePage_FailsClearlyAndTheFirstKeepsWorking()
    {
        var browser = new FakeBrowser();
        var tab = browser.OpenTab();
        await using var first = await StartAsync(tab);
        var second = new BrowserTokenStore(tab, Options.Create(new BrowserTokenStoreOptions { KeyPrefix = "other:" }));

        var error = Assert.ThrowsAsync<InvalidOperationException>(async () => await second.StartAsync());
        await second.DisposeAsync();
        var heard = new List<BrowserSessionChangedEventArgs>();
        first.SessionChanged += (_, e) => heard.Add(e);
        await using var other = await StartAsync(browser);
        await other.SetAsync(Key, Sessions.Make(), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(error!.Message, Does.StartWith("Another BrowserTokenStore is started in this page."));
            Assert.That(heard, Has.Count.EqualTo(1), "the first store still hears other tabs");
        });
    }

    [Test]
    public async Task StartAsync_AfterTheFirstStoreWasDisposed_StartsAndHearsOtherTabs()
    {
        var browser = new FakeBrowser();
        var tab = browser.OpenTab();
        await (await StartAsync(tab)).DisposeAsync();
        await using var again = await StartAsync(tab);
        var heard = new List<BrowserSessionChangedEventArgs>();
        again.SessionChanged += (_, e) => heard.Add(e);

        await using var other = await StartAsync(browser);
        await other.SetAsync(Key, Sessions.Make(), CancellationToken.None);

        Assert.That(heard, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task GetAsync_HugeEntry_ThrowsCorruptWithoutParsingIt()
    {
        var browser = new FakeBrowser();
        await using var store = await StartAsync(browser);
        browser.WriteFromOutside(EntryName, "{\"f\":1,\"k\":\"default\",\"s\":{\"a\":\"" + new string('a', 300 * 1024) + "\"}}");

        var error = Assert.ThrowsAsync<TokenStoreException>(async () => await store.GetAsync(Key, CancellationToken.None));

        Assert.That(error!.Problem, Is.EqualTo(TokenStoreProblem.Corrupt));
    }

    [Test]
    public async Task StorageEvent_UnusableEntryFromAnotherTab_RaisesNothingAndTheNextReadReportsIt()
    {
        var browser = new FakeBrowser();
        await using var store = await StartAsync(browser);
        await store.SetAsync(Key, Sessions.Make(), CancellationToken.None);
        var heard = 0;
        store.SessionChanged += (_, _) => heard++;

        browser.WriteFromOutside(EntryName, "not json");

        Assert.That(heard, Is.Zero);
        Assert.ThrowsAsync<TokenStoreException>(async () => await store.GetAsync(Key, CancellationToken.None));
    }

    [Test]
    public async Task GetAsync_StorageBlocked_ThrowsTransientAndTheSessionIsThereAfterwards()
    {
        var browser = new FakeBrowser();
        await using var store = await StartAsync(browser);
        var session = Sessions.Make();
        await store.SetAsync(Key, session, CancellationToken.None);

        browser.StorageUnavailable = true;
        var error = Assert.ThrowsAsync<TokenStoreException>(async () => await store.GetAsync(Key, CancellationToken.None));
        var write = Assert.ThrowsAsync<TokenStoreException>(async () => await store.TryReplaceAsync(Key, session, Sessions.Next(session), CancellationToken.None));
        browser.StorageUnavailable = false;

        Assert.Multiple(async () =>
        {
            Assert.That(error!.Problem, Is.EqualTo(TokenStoreProblem.Unavailable));
            Assert.That(error.IsTransient, Is.True);
            Assert.That(write!.IsTransient, Is.True);
            Assert.That((await store.GetAsync(Key, CancellationToken.None))?.RefreshToken, Is.EqualTo(session.RefreshToken));
        });
    }

    [Test]
    public async Task SetAsync_StorageFull_PersonalKeyNotInExceptionTextNorLog()
    {
        // Chromium's QuotaExceededError names the entry, and so the session key (personal data): the store's exception, its
        // inner exception included, must not repeat it, nor the log.
        const string personalKey = "user:margaret@example.test";
        var browser = new FakeBrowser();
        var logs = new FakeLogCollector();
        await using var store = await StartAsync(browser, logs: logs);
        browser.StorageUnavailable = true;

        var error = Assert.ThrowsAsync<TokenStoreException>(async () => await store.SetAsync(personalKey, Sessions.Make(), CancellationToken.None));

        var record = logs.GetSnapshot().Single(r => r.Id.Name == "BrowserStorageUnavailable");
        Assert.Multiple(() =>
        {
            Assert.That(error!.IsTransient, Is.True);
            Assert.That(error.SessionKey, Is.EqualTo(personalKey), "the exception names the session in its property, for the app");
            Assert.That(error.ToString(), Does.Not.Contain("margaret"), "the exception's text, inner exceptions included");
            Assert.That(error.InnerException, Is.InstanceOf<Microsoft.JSInterop.JSException>().With.Message.EqualTo("QuotaExceededError"));
            Assert.That(record.Message + "|" + string.Join("|", record.StructuredState!.Select(kv => kv.Value)) + "|" + record.Exception, Does.Not.Contain("margaret"));
        });
    }

    [Test]
    public async Task AcquireRefreshLockAsync_LeaseStorageFull_ThrowsTransientStoreErrorWithoutTheJavaScriptMessage()
    {
        var browser = new FakeBrowser { HasWebLocks = false };
        await using var store = await StartAsync(browser);
        browser.StorageUnavailable = true;

        var error = Assert.ThrowsAsync<TokenStoreException>(async () => await store.AcquireRefreshLockAsync(Key, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Problem, Is.EqualTo(TokenStoreProblem.Unavailable));
            Assert.That(error.IsTransient, Is.True);
            Assert.That(error.Message, Does.Not.Contain("quota has been exceeded"));
        });
    }

    [Test]
    public async Task AcquireRefreshLockAsync_AnotherTabHoldsIt_WaitsUntilReleased()
    {
        var browser = new FakeBrowser();
        await using var a = await StartAsync(browser);
        var tabB = browser.OpenTab();
        await using var b = await StartAsync(tabB);
        var held = await a.AcquireRefreshLockAsync(Key, CancellationToken.None);

        var waiting = b.AcquireRefreshLockAsync(Key, CancellationToken.None).AsTask();
        Assert.That(SpinWait.SpinUntil(() => tabB.LockWaits == 1, TimeSpan.FromSeconds(10)), Is.True, "b asked for the lock");
        Assert.That(waiting.IsCompleted, Is.False, "b waits while a holds it");

        await held.DisposeAsync();
        await using var second = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Test]
    public async Task AcquireRefreshLockAsync_HeldPastTheTimeout_ThrowsTimeoutNamingNoSecret()
    {
        var browser = new FakeBrowser();
        await using var a = await StartAsync(browser);
        await using var b = await StartAsync(browser, o => o.LockTimeout = TimeSpan.FromSeconds(1));
        await using var held = await a.AcquireRefreshLockAsync(Key, CancellationToken.None);

        var error = Assert.ThrowsAsync<TimeoutException>(async () => await b.AcquireRefreshLockAsync(Key, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("another tab holds it"));
    }

    [Test]
    public async Task AcquireRefreshLockAsync_CallerCancelsWhileWaiting_ThrowsAndLeavesNoLockHeld()
    {
        var browser = new FakeBrowser();
        await using var a = await StartAsync(browser);
        await using var b = await StartAsync(browser);
        var held = await a.AcquireRefreshLockAsync(Key, CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var waiting = b.AcquireRefreshLockAsync(Key, cancel.Token).AsTask();
        await cancel.CancelAsync();
        Assert.That(async () => await waiting, Throws.InstanceOf<OperationCanceledException>());
        await held.DisposeAsync();

        await using var again = await a.AcquireRefreshLockAsync(Key, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Test]
    public async Task Memory_TwoTabs_ShareNothingAndWriteNothingToStorage()
    {
        var browser = new FakeBrowser();
        await using var a = await StartAsync(browser, o => o.Storage = BrowserStorageKind.Memory);
        await using var b = await StartAsync(browser, o => o.Storage = BrowserStorageKind.Memory);

        await a.SetAsync(Key, Sessions.Make(), CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(await b.GetAsync(Key, CancellationToken.None), Is.Null);
            Assert.That(browser.LocalStorage, Is.Empty);
            Assert.That(await a.GetAsync(Key, CancellationToken.None), Is.Not.Null);
        });
    }

    [Test]
    public async Task SessionStorage_TwoTabs_EachHasItsOwn()
    {
        var browser = new FakeBrowser();
        await using var a = await StartAsync(browser, o => o.Storage = BrowserStorageKind.Session);
        await using var b = await StartAsync(browser, o => o.Storage = BrowserStorageKind.Session);

        await a.SetAsync(Key, Sessions.Make(), CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(await b.GetAsync(Key, CancellationToken.None), Is.Null);
            Assert.That(browser.LocalStorage, Is.Empty);
        });
    }

    [Test]
    public async Task AcquireRefreshLockAsync_SessionStorageTabs_NeverWaitForEachOtherNorTouchLocalStorage()
    {
        var browser = new FakeBrowser { HasWebLocks = false };
        await using var a = await StartAsync(browser, o => o.Storage = BrowserStorageKind.Session);
        await using var b = await StartAsync(browser, o => o.Storage = BrowserStorageKind.Session);

        await using var heldByA = await a.AcquireRefreshLockAsync(Key, CancellationToken.None);
        await using var heldByB = await b.AcquireRefreshLockAsync(Key, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5));

        Assert.That(browser.LocalStorage, Is.Empty, "no lease: each tab's session is its own");
    }

    [Test]
    public void Constructor_LockTimeoutOutOfRange_ThrowsOptionsValidation()
    {
        var options = Options.Create(new BrowserTokenStoreOptions { LockTimeout = TimeSpan.Zero });

        Assert.That(() => new BrowserTokenStore(new FakeBrowser().OpenTab(), options), Throws.InstanceOf<OptionsValidationException>().With.Message.Contains("LockTimeout"));
    }

    [Test]
    public async Task StoredEntry_HoldsTheSessionForItsKeyAndToStringHidesIt()
    {
        var browser = new FakeBrowser();
        await using var store = await StartAsync(browser);
        var session = Sessions.Make();

        await store.SetAsync(Key, session, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(browser.LocalStorage[EntryName], Does.Contain("\"k\":\"default\"").And.Contain("\"w\":\"" + store.TabId + "\""));
            Assert.That(store.ToString(), Does.Not.Contain(session.RefreshToken!));
        });
    }

    private static Task<BrowserTokenStore> StartAsync(FakeBrowser browser, Action<BrowserTokenStoreOptions>? configure = null, FakeLogCollector? logs = null) =>
        StartAsync(browser.OpenTab(), configure, logs);

    private static async Task<BrowserTokenStore> StartAsync(FakeTab tab, Action<BrowserTokenStoreOptions>? configure = null, FakeLogCollector? logs = null)
    {
        var options = new BrowserTokenStoreOptions();
        configure?.Invoke(options);
        var logger = logs is null ? null : new FakeLogger<BrowserTokenStore>(logs);
        var store = new BrowserTokenStore(tab, Options.Create(options), logger);
        await store.StartAsync();
        return store;
    }
}
