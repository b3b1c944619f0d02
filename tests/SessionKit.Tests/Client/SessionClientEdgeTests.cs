// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.Time.Testing;
using SessionKit.Tests.Support;

namespace SessionKit.Tests.Client;

/// <summary>Edge cases of <see cref="SessionClient"/> with a scripted refresher: extreme expiries and validity margins.</summary>
[TestFixture]
[CancelAfter(30_000)]
public sealed class SessionClientEdgeTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task GetAccessTokenAsync_ExtremeExpiryOrMinimumValidity_RefreshesInsteadOfThrowing()
    {
        var time = new FakeTimeProvider(Now);
        var refresher = new FakeRefresher();
        using var coordinator = new RefreshCoordinator(new InMemoryTokenStore(), refresher, new RefreshOptions { RetryBaseDelay = TimeSpan.Zero }, time);
        var client = new SessionClient(coordinator);

        // An expiry the app left at default(DateTimeOffset), and a caller asking for "valid as long as possible".
        await client.SetSessionAsync(new Session { AccessToken = TestJwt.Create(), RefreshToken = "current00001", ExpiresAt = default });
        var afterDefaultExpiry = await client.GetAccessTokenAsync();
        await client.SetSessionAsync(new Session { AccessToken = TestJwt.Create(), RefreshToken = "current00002", ExpiresAt = Now.AddHours(1) });
        var afterMaxValidity = await client.GetAccessTokenAsync(TimeSpan.MaxValue);

        Assert.Multiple(async () =>
        {
            Assert.That(refresher.Calls, Is.EqualTo(2));
            Assert.That(afterMaxValidity, Is.EqualTo((await client.GetSessionAsync())!.AccessToken));
            Assert.That(afterDefaultExpiry, Is.Not.Empty);
        });
    }

    [Test]
    public async Task SignOutAsync_SignedInAgainWhileServerSignOutInFlight_NewSignInKept()
    {
        var time = new FakeTimeProvider(Now);
        var server = new GatedSignOut();
        using var coordinator = new RefreshCoordinator(new InMemoryTokenStore(), new FakeRefresher(), new RefreshOptions { RetryBaseDelay = TimeSpan.Zero }, time);
        var client = new SessionClient(coordinator, signOut: server);
        var old = new Session { AccessToken = TestJwt.Create(), RefreshToken = "current00001", ExpiresAt = Now.AddHours(1), IssuedAt = Now, Version = 3 };
        await client.SetSessionAsync(old);
        var ended = new List<SessionEndReason>();
        client.SessionEnded += (_, e) => ended.Add(e.End.Reason);

        var signingOut = client.SignOutAsync();
        await server.Arrived;
        var signedIn = new Session { AccessToken = TestJwt.Create(), RefreshToken = "signin000002", ExpiresAt = Now.AddHours(1), IssuedAt = Now };
        await client.SetSessionAsync(signedIn);
        server.Release();
        await signingOut;

        Assert.Multiple(async () =>
        {
            Assert.That(await client.GetSessionAsync(), Is.SameAs(signedIn), "a sign-in after the sign-out began must win");
            Assert.That(ended, Is.Empty);
        });
    }

    [Test]
    public async Task SignOutAsync_RefreshedWhileServerSignOutInFlight_RotatedSessionEnded()
    {
        var time = new FakeTimeProvider(Now);
        var server = new GatedSignOut();
        using var coordinator = new RefreshCoordinator(new InMemoryTokenStore(), new FakeRefresher(), new RefreshOptions { RetryBaseDelay = TimeSpan.Zero }, time);
        var client = new SessionClient(coordinator, signOut: server);
        await client.SetSessionAsync(new Session { AccessToken = TestJwt.Create(), RefreshToken = "current00001", ExpiresAt = Now.AddHours(1), IssuedAt = Now });

        var signingOut = client.SignOutAsync();
        await server.Arrived;
        await client.RefreshAsync();
        server.Release();
        await signingOut;

        Assert.Multiple(async () =>
        {
            Assert.That(await client.GetSessionAsync(), Is.Null, "the rotated session of the one signed out is ended too");
            Assert.That((await coordinator.Store.GetEndAsync(client.SessionKey, CancellationToken.None))?.Reason, Is.EqualTo(SessionEndReason.SignedOut));
        });
    }

    /// <summary>A server sign-out held at a gate.</summary>
    private sealed class GatedSignOut : ISignOutClient
    {
        private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Arrived => _arrived.Task;

        public void Release() => _gate.TrySetResult();

        public async Task<bool> SignOutAsync(Session session, CancellationToken cancellationToken)
        {
            _arrived.TrySetResult();
            await _gate.Task.WaitAsync(cancellationToken);
            return true;
        }
    }
}
