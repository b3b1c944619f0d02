// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net;
using SessionKit.Testing;
using SessionKit.Tests.Support;

namespace SessionKit.Tests.Resilience;

/// <summary>
/// Every fault of the test server × {proactive refresh, 401-triggered refresh, a herd of 100 callers}, over real HTTP:
/// a single fault is recovered with the same refresh token; a persistent one fails with the right typed error; either way the
/// session is never lost, never replaced by a bad one, and nobody is signed out.
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class FaultMatrixTests
{
    private const string Email = "barbara@example.test";
    private const int Attempts = 4; // one attempt and three retries

    // Real time: every answer that is not the delay fault must arrive within it, so it is not cut on a loaded machine (500 ms
    // was); the delay fault holds its answer three times as long (the server drops it when the client gives up).
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(1);

    public enum Trigger
    {
        Proactive,
        Unauthorized,
        Herd,
    }

    public static IEnumerable<TestCaseData> Matrix(string prefix)
    {
        foreach (var (name, _) in Faults)
        {
            foreach (var trigger in Enum.GetValues<Trigger>())
            {
                yield return new TestCaseData(name, trigger).SetName($"{prefix}_{name}_{trigger}");
            }
        }
    }

    [TestCaseSource(nameof(Matrix), new object[] { "SendAsync_SingleFault_RecoversWithSameToken" })]
    public async Task SendAsync_SingleFault_RecoversWithSameToken(string fault, Trigger trigger)
    {
        await using var server = await StartServerAsync();
        using var sut = CreateSut(server);
        var (session, sessionId) = await ArrangeAsync(server, sut, trigger);
        var ended = 0;
        sut.Coordinator.SessionEnded += (_, _) => ended++;
        server.EnqueueRefreshFault(Faults.Single(f => f.Name == fault).Create());

        var statuses = await ActAsync(sut, trigger);

        var stored = await sut.Store.GetAsync("default", CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(statuses, Has.All.EqualTo(HttpStatusCode.OK));
            Assert.That(server.Counters.RefreshRequests, Is.EqualTo(2), "the faulted attempt and one resend of the same token");
            Assert.That(server.Counters.MaxConcurrentRefreshes, Is.EqualTo(1));
            Assert.That(server.Counters.Rejections, Is.Empty);
            Assert.That(ended, Is.Zero);
            Assert.That(stored!.Version, Is.EqualTo(session.Version + 1));
            Assert.That(stored.RefreshToken, Is.EqualTo(server.ActiveRefreshToken(sessionId)));
        });
    }

    [TestCaseSource(nameof(Matrix), new object[] { "SendAsync_PersistentFault_TypedErrorSessionKeptThenRecovers" })]
    public async Task SendAsync_PersistentFault_TypedErrorSessionKeptThenRecovers(string fault, Trigger trigger)
    {
        await using var server = await StartServerAsync();
        using var sut = CreateSut(server);
        var (session, sessionId) = await ArrangeAsync(server, sut, trigger);
        var ended = 0;
        sut.Coordinator.SessionEnded += (_, _) => ended++;
        server.EnqueueRefreshFault(Faults.Single(f => f.Name == fault).Create(), count: 50);

        var outcomes = await ActCapturingAsync(sut, trigger);

        var kept = await sut.Store.GetAsync("default", CancellationToken.None);
        Assert.Multiple(() =>
        {
            if (trigger == Trigger.Proactive)
            {
                Assert.That(outcomes, Has.All.EqualTo("OK"), "a failed proactive refresh sends the still-valid token");
            }
            else
            {
                Assert.That(outcomes, Has.All.EqualTo(nameof(SessionRefreshException) + ":transient"));
            }

            Assert.That(server.Counters.RefreshRequests, Is.EqualTo(Attempts), "one single flight with its retries, whatever the number of callers");
            Assert.That(Session.SameTokens(kept, session), Is.True, "the stored session is untouched");
            Assert.That(ended, Is.Zero);
        });

        // The server heals: the next refresh sends the same token and the session lives on.
        server.ClearFaults();
        var after = await ActAsync(sut, trigger == Trigger.Herd ? Trigger.Herd : Trigger.Unauthorized, resetSession: false);
        var stored = await sut.Store.GetAsync("default", CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(after, Has.All.EqualTo(HttpStatusCode.OK));
            Assert.That(server.Counters.Rejections, Is.Empty);
            Assert.That(ended, Is.Zero);
            Assert.That(stored!.RefreshToken, Is.EqualTo(server.ActiveRefreshToken(sessionId)));
        });
    }

    private static readonly (string Name, Func<TokenEndpointFault> Create)[] Faults =
    [
        ("DropAfterRotating", TokenEndpointFault.DropConnectionAfterRotating),
        ("DelayPastTimeout", () => TokenEndpointFault.Delayed(AttemptTimeout * 3)),
        ("Status500", () => TokenEndpointFault.Status(500)),
        ("Status502", () => TokenEndpointFault.Status(502)),
        ("Status503", () => TokenEndpointFault.Status(503)),
        ("Status504", () => TokenEndpointFault.Status(504)),
        ("Status409", () => TokenEndpointFault.Status(409)),
        ("Status429RetryAfter", () => TokenEndpointFault.Status(429, TimeSpan.FromSeconds(1))),
        ("HtmlGateway", () => TokenEndpointFault.GatewayHtml()),
        ("TruncatedJson", TokenEndpointFault.TruncatedJson),
        ("HugeBody", () => TokenEndpointFault.HugeBody()),
        ("WrongTypes", TokenEndpointFault.WrongTypes),
    ];

    // Success answers that rotated the refresh token but carry no usable access token: the new refresh token is kept.
    private static readonly (string Name, Func<TokenEndpointFault> Create)[] RotatedButUnusable =
    [
        ("MissingFields", TokenEndpointFault.MissingFields),
        ("MalformedJwt", TokenEndpointFault.MalformedAccessToken),
    ];

    public static IEnumerable<TestCaseData> RotatedMatrix()
    {
        foreach (var (name, _) in RotatedButUnusable)
        {
            foreach (var trigger in Enum.GetValues<Trigger>())
            {
                yield return new TestCaseData(name, trigger).SetName($"SendAsync_RotationInUnusableAnswer_StoresNewTokenNeverResendsOldThenRecovers_{name}_{trigger}");
            }
        }
    }

    [TestCaseSource(nameof(RotatedMatrix))]
    public async Task SendAsync_RotationInUnusableAnswer_StoresNewTokenNeverResendsOldThenRecovers(string fault, Trigger trigger)
    {
        await using var server = await StartServerAsync();
        using var sut = new Harness(
            server,
            refreshOptions: new RefreshOptions { AttemptTimeout = AttemptTimeout, RetryBaseDelay = TimeSpan.FromMilliseconds(10), MaxRetryAttempts = Attempts - 1, MinimumRefreshInterval = TimeSpan.Zero },
            apiHandler: new SocketsHttpHandler { MaxConnectionsPerServer = 32 });
        var (session, sessionId) = await ArrangeAsync(server, sut, trigger);
        var ended = 0;
        sut.Coordinator.SessionEnded += (_, _) => ended++;
        server.EnqueueRefreshFault(RotatedButUnusable.Single(f => f.Name == fault).Create());

        var outcomes = await ActCapturingAsync(sut, trigger);

        var stored = await sut.Store.GetAsync("default", CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(outcomes, Has.All.EqualTo(trigger == Trigger.Proactive ? "OK" : nameof(SessionRefreshException) + ":transient"));
            Assert.That(server.Counters.RefreshRequests, Is.EqualTo(1), "the old refresh token is never sent again");
            Assert.That(stored!.Version, Is.EqualTo(session.Version + 1));
            Assert.That(stored.RefreshToken, Is.EqualTo(server.ActiveRefreshToken(sessionId)), "the rotated refresh token was stored");
        });

        // The next refresh uses the stored, rotated token and the session lives on.
        var after = await ActAsync(sut, trigger == Trigger.Herd ? Trigger.Herd : Trigger.Unauthorized);
        Assert.Multiple(() =>
        {
            Assert.That(after, Has.All.EqualTo(HttpStatusCode.OK));
            Assert.That(server.Counters.Rejections, Is.Empty);
            Assert.That(ended, Is.Zero);
        });
    }

    private static async Task<GoTrueTestServer> StartServerAsync()
    {
        var server = await GoTrueTestServer.StartAsync();
        server.AddUser(Email, "pw");
        return server;
    }

    private static Harness CreateSut(GoTrueTestServer server) => new(
        server,
        refreshOptions: new RefreshOptions { AttemptTimeout = AttemptTimeout, RetryBaseDelay = TimeSpan.FromMilliseconds(10), MaxRetryAttempts = Attempts - 1 },
        apiHandler: new SocketsHttpHandler { MaxConnectionsPerServer = 32 });

    /// <summary>Stores a session that the trigger will refresh: expiring soon, rejected by the API, or expired.</summary>
    private static async Task<(Session Session, string SessionId)> ArrangeAsync(GoTrueTestServer server, Harness sut, Trigger trigger)
    {
        var issued = server.IssueSession(Email);
        var now = DateTimeOffset.UtcNow;
        var session = new Session
        {
            AccessToken = trigger == Trigger.Unauthorized ? Tamper(issued.AccessToken) : issued.AccessToken,
            RefreshToken = issued.RefreshToken,
            IssuedAt = now - TimeSpan.FromHours(1),
            ExpiresAt = trigger switch
            {
                Trigger.Proactive => now + TimeSpan.FromSeconds(10),
                Trigger.Unauthorized => now + TimeSpan.FromHours(1),
                _ => now - TimeSpan.FromSeconds(1),
            },
        };
        await sut.Client.SetSessionAsync(session);
        return (session, issued.SessionId);
    }

    private static async Task<HttpStatusCode[]> ActAsync(Harness sut, Trigger trigger, bool resetSession = false)
    {
        if (!resetSession && trigger == Trigger.Unauthorized)
        {
            // Make the stored token unacceptable to the API again, keeping the refresh token the client holds.
            var current = (await sut.Store.GetAsync("default", CancellationToken.None))!;
            await sut.Store.SetAsync("default", new Session { AccessToken = Tamper(current.AccessToken), RefreshToken = current.RefreshToken, ExpiresAt = current.ExpiresAt }, CancellationToken.None);
        }

        var count = trigger == Trigger.Herd ? 100 : 1;
        var responses = await Task.WhenAll(Enumerable.Range(0, count).Select(i => sut.Api.GetAsync($"items/{i}")));
        var statuses = responses.Select(r => r.StatusCode).ToArray();
        foreach (var response in responses)
        {
            response.Dispose();
        }

        return statuses;
    }

    private static async Task<string[]> ActCapturingAsync(Harness sut, Trigger trigger)
    {
        var count = trigger == Trigger.Herd ? 100 : 1;
        return await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            try
            {
                using var response = await sut.Api.GetAsync($"items/{i}");
                return response.StatusCode.ToString();
            }
            catch (SessionRefreshException ex)
            {
                return nameof(SessionRefreshException) + (ex.IsTransient ? ":transient" : ":faulted");
            }
            catch (SessionKitException ex)
            {
                return ex.GetType().Name;
            }
        }));
    }

    private static string Tamper(string jwt) => jwt[..^4] + (jwt[^4] == 'A' ? "BBBB" : "AAAA");
}
