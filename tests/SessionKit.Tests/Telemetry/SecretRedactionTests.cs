// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using SessionKit.Testing;
using SessionKit.Tests.Support;

namespace SessionKit.Tests.Telemetry;

/// <summary>Invariant 7: no token reaches a log line, an exception, <c>ToString()</c> or a metric tag, even at Trace.</summary>
[TestFixture]
[CancelAfter(60_000)]
[NonParallelizable]
public sealed class SecretRedactionTests
{
    private const string Email = "margaret@example.test";

    [Test]
    public async Task FullFlowAtTrace_NoTokenInLogsExceptionsToStringOrMetrics()
    {
        var serverTime = new FakeTimeProvider(new DateTimeOffset(2026, 10, 1, 10, 0, 0, TimeSpan.Zero));
        var clientTime = new FakeTimeProvider(serverTime.GetUtcNow());
        await using var server = await GoTrueTestServer.StartAsync(new GoTrueTestServerOptions { TimeProvider = serverTime });
        server.AddUser(Email, "pw-margaret");
        var logs = new FakeLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        var tags = new ConcurrentBag<string>();
        using var listener = ListenToSessionKitMetrics(tags);
        using var sut = new Harness(server, timeProvider: clientTime, loggerFactory: loggerFactory, refreshOptions: new RefreshOptions { RetryBaseDelay = TimeSpan.Zero });
        var sessions = new ConcurrentBag<Session>();
        sut.Coordinator.SessionRefreshed += (_, e) => sessions.Add(e.Session);
        var texts = new List<string?>();

        // Sign in, use the API, refresh ahead of expiry, refresh after a 401, survive a lost response, then get signed out for reuse.
        var signedIn = await sut.Client.SignInWithPasswordAsync(Email, "pw-margaret");
        sessions.Add(signedIn);
        (await sut.Api.GetAsync("a")).Dispose();
        serverTime.Advance(TimeSpan.FromHours(2));
        (await sut.Api.GetAsync("after-401")).Dispose();
        clientTime.Advance(TimeSpan.FromHours(3));
        serverTime.Advance(TimeSpan.FromHours(1));
        server.EnqueueRefreshFault(TokenEndpointFault.DropConnectionAfterRotating());
        (await sut.Api.GetAsync("after-lost-response")).Dispose();
        var stale = signedIn;
        using var replayer = new Harness(server, timeProvider: clientTime, loggerFactory: loggerFactory);
        await replayer.Client.SetSessionAsync(stale);
        serverTime.Advance(TimeSpan.FromMinutes(1));
        var ended = Assert.ThrowsAsync<SessionEndedException>(() => replayer.Api.GetAsync("replay"));
        texts.Add(ended!.ToString());
        texts.Add(Assert.ThrowsAsync<SessionEndedException>(() => replayer.Api.GetAsync("again"))!.ToString());
        server.EnqueueRefreshFault(TokenEndpointFault.Status(503), 10);
        clientTime.Advance(TimeSpan.FromSeconds(3));
        texts.Add(Assert.ThrowsAsync<SessionRefreshException>(() => sut.Client.RefreshAsync())!.ToString());
        texts.AddRange(sessions.Select(s => s.ToString()));

        var records = logs.Collector.GetSnapshot();
        texts.AddRange(records.Select(r => r.Message));
        texts.AddRange(records.Select(r => r.Exception?.ToString()));
        texts.AddRange(records.SelectMany(r => r.StructuredState ?? []).Select(kv => kv.Value));
        texts.AddRange(tags);
        var secrets = sessions.SelectMany(Secrets.Of).Append("pw-margaret").Distinct().ToArray();

        Assert.Multiple(() =>
        {
            Assert.That(sessions, Has.Count.GreaterThanOrEqualTo(3), "the flow produced several rotations");
            Assert.That(records.Any(r => r.Level == LogLevel.Trace), Is.True, "Trace logging was on");
            Assert.That(records.Select(r => r.Id.Name), Does.Contain("RefreshRetrying").And.Contain("SessionEnded").And.Contain("UnauthorizedRetry"));
            Assert.That(tags, Is.Not.Empty, "metrics were recorded");
        });
        foreach (var text in texts)
        {
            Secrets.AssertAbsent(text, secrets, "telemetry or an exception");
        }
    }

    [Test]
    public async Task PersonalSessionKey_EveryFailure_KeyNeverInALogAnExceptionMessageOrMetric()
    {
        // Session keys derived from users are personal data: exceptions carry the key in their SessionKey property, for the
        // app to use, and never in their message (which ends up in logs and crash reports); logs show a short hash of it.
        const string personalKey = "user:margaret@example.test";
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 10, 1, 10, 0, 0, TimeSpan.Zero));
        await using var server = await GoTrueTestServer.StartAsync(new GoTrueTestServerOptions { TimeProvider = time, ReuseInterval = TimeSpan.Zero });
        server.AddUser(Email, "pw-margaret");
        var tags = new ConcurrentBag<string>();
        using var listener = ListenToSessionKitMetrics(tags);
        var logs = new FakeLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        using var sut = new Harness(server, timeProvider: time, loggerFactory: loggerFactory, refreshOptions: new RefreshOptions { RetryBaseDelay = TimeSpan.Zero, MaxRetryAttempts = 0 });
        var client = sut.Client.ForKey(personalKey);
        var errors = new List<Exception>();

        errors.Add(Assert.ThrowsAsync<SessionRequiredException>(() => client.RefreshAsync())!);
        await client.SetSessionAsync(new Session { AccessToken = "opaque", ExpiresAt = time.GetUtcNow().AddHours(1) });
        errors.Add(Assert.ThrowsAsync<SessionRefreshException>(() => client.RefreshAsync())!);
        var signedIn = await sut.SignInDirectAsync(Email, personalKey);
        server.EnqueueRefreshFault(TokenEndpointFault.Status(503), 10);
        errors.Add(Assert.ThrowsAsync<SessionRefreshException>(() => client.RefreshAsync())!);
        server.ClearFaults();
        await client.RefreshAsync();
        await client.RefreshAsync();
        await client.SetSessionAsync(signedIn);
        time.Advance(TimeSpan.FromSeconds(1));
        errors.Add(Assert.ThrowsAsync<SessionEndedException>(() => client.RefreshAsync())!);
        errors.Add(Assert.ThrowsAsync<SessionEndedException>(() => client.GetAccessTokenAsync())!);

        Assert.Multiple(() =>
        {
            Assert.That(errors.Select(e => e.GetType().Name), Is.EqualTo(new[] { "SessionRequiredException", "SessionRefreshException", "SessionRefreshException", "SessionEndedException", "SessionEndedException" }));
            foreach (var error in errors)
            {
                Assert.That(((SessionKitException)error).SessionKey, Is.EqualTo(personalKey), "the key is on the exception, for the app");
                Assert.That(error.Message, Does.Not.Contain("margaret"), error.GetType().Name);
            }

            Assert.That(tags, Has.None.Contains("margaret"));
        });
        AssertKeyOnlyHashed(logs.Collector.GetSnapshot(), personalKey, "RefreshRejected", "SessionEnded", "RefreshSucceeded", "RefreshFailed");
    }

    [TestCase(false, TestName = "Logs_AddSessionKitDefaults_EveryComponentShowsTheKeyHashed")]
    [TestCase(true, TestName = "Logs_LogSessionKeysSet_EveryComponentShowsTheRawKey")]
    public async Task Logs_AddSessionKit_KeysHashedUnlessLogSessionKeys(bool logSessionKeys)
    {
        const string personalKey = "user:margaret@example.test";
        await using var server = await GoTrueTestServer.StartAsync();
        server.AddUser(Email, "pw-margaret");
        var logs = new FakeLoggerProvider();
        var folder = Directory.CreateTempSubdirectory("sessionkit-logs-");
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        services.AddSessionKit(o =>
        {
            o.UseGoTrue(server.AuthUrl);
            o.LogSessionKeys = logSessionKeys;
        }).AddFileStore(o => o.Path = Path.Combine(folder.FullName, "sessions.dat"));
        services.AddHttpClient("api", c => c.BaseAddress = server.ApiUrl).AddSessionHandler(o => o.SessionKey = personalKey);
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<SessionClient>().ForKey(personalKey);
        var api = provider.GetRequiredService<IHttpClientFactory>().CreateClient("api");

        await client.SignInWithPasswordAsync(Email, "pw-margaret");
        (await api.GetAsync("me")).Dispose();
        await client.RefreshAsync();
        await client.SignOutAsync();
        Assert.ThrowsAsync<SessionEndedException>(() => api.GetAsync("me"));

        folder.Delete(recursive: true);
        var records = logs.Collector.GetSnapshot();
        var categories = records.Where(r => r.StructuredState?.Any(kv => kv.Key == "SessionKey") == true).Select(r => r.Category).Distinct();
        Assert.That(categories, Is.SupersetOf(new[] { typeof(RefreshCoordinator).FullName, typeof(SessionHandler).FullName }), "both components logged the key");
        if (logSessionKeys)
        {
            Assert.That(records.Select(r => r.Message), Has.Some.Contain($"Session '{personalKey}' refreshed"));
        }
        else
        {
            AssertKeyOnlyHashed(records, personalKey, "RefreshSucceeded", "SessionStored");
        }
    }

    private static void AssertKeyOnlyHashed(IReadOnlyList<FakeLogRecord> records, string key, params string[] expectedEvents)
    {
        var hash = SessionKit.Internal.SessionKeyHash.Of(key);
        var withKey = records.Where(r => r.StructuredState?.Any(kv => kv.Key == "SessionKey") == true).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(withKey.Select(r => r.Id.Name), Is.SupersetOf(expectedEvents), "the flow logged these events with the key");
            foreach (var record in records)
            {
                var text = record.Message + "|" + string.Join("|", record.StructuredState?.Select(kv => kv.Value) ?? []) + "|" + record.Exception;
                Assert.That(text, Does.Not.Contain("margaret"), record.Id.Name);
            }

            Assert.That(withKey.Select(r => r.StructuredState!.Single(kv => kv.Key == "SessionKey").Value), Is.All.EqualTo(hash), "the structured value is the hash");
            Assert.That(withKey.Select(r => r.Message), Is.All.Contain(hash), "the message shows the hash");
        });
    }

    [Test]
    public void ToString_SessionAndOutcome_ShowNoTokenAndNoUserId()
    {
        var session = new Session { AccessToken = TestJwt.Create("u-9"), RefreshToken = "supersecretrt", ExpiresAt = DateTimeOffset.UnixEpoch };

        var text = session + " " + RefreshOutcome.Succeeded(session);

        Secrets.AssertAbsent(text, Secrets.Of(session), "ToString");
        Assert.That(text, Does.Not.Contain("u-9"), "the user id is personal data");
        Assert.That(text, Does.Contain("UserId = k-").And.Contain("Version = 0"));
    }

    private static MeterListener ListenToSessionKitMetrics(ConcurrentBag<string> tags)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "SessionKit")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, _, t, _) => Collect(t, tags));
        listener.SetMeasurementEventCallback<long>((_, _, t, _) => Collect(t, tags));
        listener.Start();
        return listener;
    }

    private static void Collect(ReadOnlySpan<KeyValuePair<string, object?>> measurementTags, ConcurrentBag<string> tags)
    {
        foreach (var tag in measurementTags)
        {
            tags.Add(tag.Key + "=" + tag.Value);
        }
    }
}
