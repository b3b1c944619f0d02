// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using SessionKit.Tests.Support;

namespace SessionKit.Tests.Sessions;

[TestFixture]
public sealed class SessionTests
{
    private static readonly DateTimeOffset Now = new(2026, 2, 1, 0, 0, 0, TimeSpan.Zero);

    [TestCase("", TestName = "UserId_JwtPayloadWithUrlSafeCharactersUnpadded_ReadFromSub")]
    [TestCase("=", TestName = "UserId_JwtPayloadWithUrlSafeCharactersOnePad_ReadFromSub")]
    [TestCase("==", TestName = "UserId_JwtPayloadWithUrlSafeCharactersTwoPads_ReadFromSub")]
    public void UserId_JwtPayloadWithUrlSafeCharacters_ReadFromSub(string padding)
    {
        // "??>" and "??~" encode to base64 with '+' and '/', which base64url writes as '-' and '_'.
        const string subject = "u??>??~??>";
        var payload = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("{\"sub\":\"" + subject + "\",\"exp\":1900000000}"))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Assert.That(payload, Does.Contain("-").Or.Contain("_"), "the payload exercises the url-safe alphabet");
        var token = "eyJhbGciOiJIUzI1NiJ9." + payload + padding + ".c2ln";

        var session = new Session { AccessToken = token, ExpiresAt = Now };

        Assert.That(session.UserId, Is.EqualTo(subject));
    }

    [TestCase("eyJhbGciOiJIUzI1NiJ9.e30!.c2ln", TestName = "UserId_JwtPayloadWithCharacterOutsideBase64Url_NoUserId")]
    [TestCase("eyJhbGciOiJIUzI1NiJ9.e.c2ln", TestName = "UserId_JwtPayloadOfImpossibleLength_NoUserId")]
    public void UserId_MalformedJwtPayload_NoUserId(string token)
    {
        var session = new Session { AccessToken = token, ExpiresAt = Now };

        Assert.That(session.UserId, Is.Null);
    }

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

    [Test]
    public void FromTokenResponse_ExpiresIn_IssuedAtNowAndExpiryByTheClock()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Now);

        var sut = Session.FromTokenResponse("opaque-access", "r1", TimeSpan.FromSeconds(300), timeProvider: clock);

        Assert.Multiple(() =>
        {
            Assert.That(sut.IssuedAt, Is.EqualTo(Now));
            Assert.That(sut.ExpiresAt, Is.EqualTo(Now.AddSeconds(300)));
            Assert.That(sut.RefreshToken, Is.EqualTo("r1"));
            Assert.That(sut.Version, Is.Zero);
            Assert.That(sut.IsExpiring(Now.AddSeconds(100), TimeSpan.FromMinutes(10)), Is.False, "the margin is capped at half the lifetime");
        });
    }

    [Test]
    public void FromTokenResponse_IdToken_UserIdFromItsSub()
    {
        var sut = Session.FromTokenResponse("opaque-access", "r1", TimeSpan.FromMinutes(5), idToken: TestJwt.Create("user-7"));

        Assert.That(sut.UserId, Is.EqualTo("user-7"));
    }

    [Test]
    public void FromTokenResponse_UserIdGiven_WinsOverIdToken()
    {
        var sut = Session.FromTokenResponse("opaque-access", "r1", TimeSpan.FromMinutes(5), idToken: TestJwt.Create("user-7"), userId: "explicit");

        Assert.That(sut.UserId, Is.EqualTo("explicit"));
    }

    [Test]
    public void FromTokenResponse_NoExpiresIn_ExpiryFromJwtExp()
    {
        var exp = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

        var sut = Session.FromTokenResponse(TestJwt.Create("u", exp), null, expiresIn: null);

        Assert.That(sut.ExpiresAt, Is.EqualTo(exp));
    }

    [Test]
    public void FromTokenResponse_NegativeExpiresIn_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Session.FromTokenResponse("a", "r", TimeSpan.FromSeconds(-1)));
    }
}
