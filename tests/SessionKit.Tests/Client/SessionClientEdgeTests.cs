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
}
