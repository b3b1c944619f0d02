// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Tests.Support;

/// <summary>Asserts that no token (nor a long piece of one) appears in a text.</summary>
internal static class Secrets
{
    /// <summary>Returns the distinctive pieces of <paramref name="session"/>'s tokens worth searching for.</summary>
    public static IEnumerable<string> Of(Session session)
    {
        yield return session.RefreshToken!;

        // A JWT's header is the same for every token; its payload and signature are what must never leak.
        var parts = session.AccessToken.Split('.');
        foreach (var part in parts.Skip(1))
        {
            yield return part.Length > 16 ? part[..16] : part;
        }

        yield return session.AccessToken;
    }

    public static void AssertAbsent(string? text, IEnumerable<string> secrets, string where)
    {
        if (text is null)
        {
            return;
        }

        foreach (var secret in secrets.Where(s => !string.IsNullOrEmpty(s)))
        {
            Assert.That(text, Does.Not.Contain(secret), $"a token leaked into {where}");
        }
    }
}
