// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using SessionKit.Tests.Support;

namespace SessionKit.Tests.Sessions;

[TestFixture]
public sealed class SessionTests
{
    private static readonly DateTimeOffset Now = new(2026, 2, 1, 0, 0, 0, TimeSpan.Zero);

    [Test]
    public void UserId_NotGiven_ReadFromJwtSub()
    {
        var sut = new Session { AccessToken = TestJwt.Create("8f0e6d7a"), ExpiresAt = Now };

        Assert.That(sut.UserId, Is.EqualTo("8f0e6d7a"));
    }

    [Test]
    public void UserId_OpaqueToken_Null()
    {
        var sut = new Session { AccessToken = "opaque", ExpiresAt = Now };

        Assert.That(sut.UserId, Is.Null);
    }

    [Test]
    public void AccessToken_Empty_Throws()
    {
        Assert.Throws<ArgumentException>(() => _ = new Session { AccessToken = string.Empty, ExpiresAt = Now });
    }

    [TestCase(-31, false)]
    [TestCase(-30, true)]
    [TestCase(1, true)]
    public void IsExpiring_AroundMargin_TrueOnlyInsideIt(int secondsFromExpiry, bool expected)
    {
        var sut = new Session { AccessToken = "a", ExpiresAt = Now };

        Assert.That(sut.IsExpiring(Now.AddSeconds(secondsFromExpiry), TimeSpan.FromSeconds(30)), Is.EqualTo(expected));
    }

    [Test]
    public void IsExpiring_ShortLivedToken_MarginCappedAtHalfLifetime()
    {
        var sut = new Session { AccessToken = "a", IssuedAt = Now, ExpiresAt = Now.AddSeconds(10) };

        Assert.Multiple(() =>
        {
            Assert.That(sut.IsExpiring(Now.AddSeconds(4), TimeSpan.FromSeconds(30)), Is.False);
            Assert.That(sut.IsExpiring(Now.AddSeconds(5), TimeSpan.FromSeconds(30)), Is.True);
        });
    }

    [Test]
    public void IsExpiring_UnknownExpiry_Never()
    {
        var sut = new Session { AccessToken = "a", ExpiresAt = DateTimeOffset.MaxValue };

        Assert.That(sut.IsExpiring(DateTimeOffset.MaxValue.AddDays(-1), TimeSpan.FromHours(1)), Is.False);
    }

    [Test]
    public void Authorization_SameSession_HeaderBuiltOnce()
    {
        var sut = new Session { AccessToken = "a", ExpiresAt = Now };

        var first = sut.Authorization;
        var second = sut.Authorization;

        Assert.That(second, Is.SameAs(first));
    }
}
