// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Tests.DependencyInjection;

/// <summary>How <see cref="SessionKitOptions.UseGoTrue"/> and <see cref="SessionKitOptions.UseOAuth2"/> build the server options.</summary>
[TestFixture]
public sealed class SessionKitOptionsTests
{
    private static readonly Uri TokenEndpoint = new("https://login.example.test/connect/token");

    [Test]
    public void UseOAuth2_Configure_SetsScopeAndRevocationEndpoint()
    {
        var sut = new SessionKitOptions();

        sut.UseOAuth2(TokenEndpoint, "app", "secret", o =>
        {
            o.Scope = "openid offline_access";
            o.RevocationEndpoint = new Uri("https://login.example.test/connect/revoke");
        });

        Assert.Multiple(() =>
        {
            Assert.That(sut.OAuth2!.Scope, Is.EqualTo("openid offline_access"));
            Assert.That(sut.OAuth2.RevocationEndpoint, Is.EqualTo(new Uri("https://login.example.test/connect/revoke")));
            Assert.That(sut.OAuth2.ClientSecret, Is.EqualTo("secret"));
        });
    }

    [Test]
    public void UseOAuth2_CalledTwice_MergesIntoTheSameOptions()
    {
        var sut = new SessionKitOptions();
        sut.UseOAuth2(TokenEndpoint, "app", "secret", o => o.Scope = "openid offline_access");
        var first = sut.OAuth2;

        sut.UseOAuth2(new Uri("https://login2.example.test/connect/token"), "app2");

        Assert.Multiple(() =>
        {
            Assert.That(sut.OAuth2, Is.SameAs(first));
            Assert.That(sut.OAuth2!.TokenEndpoint, Is.EqualTo(new Uri("https://login2.example.test/connect/token")));
            Assert.That(sut.OAuth2.ClientId, Is.EqualTo("app2"));
            Assert.That(sut.OAuth2.ClientSecret, Is.EqualTo("secret"), "a null secret keeps the earlier one");
            Assert.That(sut.OAuth2.Scope, Is.EqualTo("openid offline_access"), "earlier settings survive");
        });
    }

    [Test]
    public void UseGoTrue_CalledTwice_KeepsApiKey()
    {
        var sut = new SessionKitOptions();
        sut.UseGoTrue(new Uri("https://a.example.test/auth/v1"), "key");

        sut.UseGoTrue(new Uri("https://b.example.test/auth/v1"));

        Assert.Multiple(() =>
        {
            Assert.That(sut.GoTrue!.AuthUrl, Is.EqualTo(new Uri("https://b.example.test/auth/v1")));
            Assert.That(sut.GoTrue.ApiKey, Is.EqualTo("key"));
        });
    }

    [Test]
    public void UseOAuth2_AfterUseGoTrue_ThrowsInvalidOperation()
    {
        var sut = new SessionKitOptions().UseGoTrue(new Uri("https://a.example.test/auth/v1"));

        var ex = Assert.Throws<InvalidOperationException>(() => sut.UseOAuth2(TokenEndpoint, "app"));

        Assert.That(ex!.Message, Does.Contain("not both"));
    }

    [Test]
    public void UseGoTrue_AfterUseOAuth2_ThrowsInvalidOperation()
    {
        var sut = new SessionKitOptions().UseOAuth2(TokenEndpoint, "app");

        Assert.Throws<InvalidOperationException>(() => sut.UseGoTrue(new Uri("https://a.example.test/auth/v1")));
    }
}
