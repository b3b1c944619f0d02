// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace SessionKit.Redis.Internal;

/// <summary>
/// Turns sessions and tombstones into the fields of a Redis hash and back: the payload encrypted with Data Protection, and beside
/// it, in clear, what the compare-and-swap script compares (the version and a fingerprint of the tokens, never the tokens).
/// </summary>
internal static class SessionCodec
{
    /// <summary>The state field's value for a session.</summary>
    public const string SessionState = "s";

    /// <summary>The state field's value for a tombstone.</summary>
    public const string EndState = "e";

    /// <summary>
    /// Returns a 128-bit fingerprint of the session's tokens: the first 16 bytes of SHA-256 over the access token and refresh
    /// token, as hex. Not reversible (the access token alone carries a signature's worth of entropy); it lets the script compare
    /// "same tokens" without decrypting.
    /// </summary>
    public static string Fingerprint(Session session)
    {
        var text = session.AccessToken + "\n" + session.RefreshToken;
        var bytes = Encoding.UTF8.GetBytes(text);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(bytes, hash);
        CryptographicOperations.ZeroMemory(bytes);
        return Convert.ToHexString(hash[..16]);
    }

    public static string VersionText(Session session) => session.Version.ToString(CultureInfo.InvariantCulture);

    public static byte[] Protect(IDataProtector protector, string sessionKey, Session session)
    {
        var stored = new StoredSession
        {
            Key = sessionKey,
            AccessToken = session.AccessToken,
            RefreshToken = session.RefreshToken,
            ExpiresAt = session.ExpiresAt,
            IssuedAt = session.IssuedAt,
            TokenType = session.TokenType,
            UserId = session.UserId,
            Version = session.Version,
        };
        var json = JsonSerializer.SerializeToUtf8Bytes(stored, RedisJsonContext.Default.StoredSession);
        try
        {
            return protector.Protect(json);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(json);
        }
    }

    public static byte[] Protect(IDataProtector protector, string sessionKey, SessionEnd end)
    {
        var stored = new StoredEnd
        {
            Key = sessionKey,
            Reason = end.Reason,
            UserId = end.UserId,
            ErrorCode = end.ErrorCode,
            ErrorDescription = end.ErrorDescription,
            EndedAt = end.EndedAt,
            Id = end.Id,
        };
        return protector.Protect(JsonSerializer.SerializeToUtf8Bytes(stored, RedisJsonContext.Default.StoredEnd));
    }

    /// <summary>Decrypts and checks a stored session: it must decrypt, parse, belong to the key and match the clear fields.</summary>
    /// <exception cref="UnusableEntryException">It does not.</exception>
    public static Session UnprotectSession(IDataProtector protector, string sessionKey, byte[] payload, string version, string fingerprint)
    {
        var json = Unprotect(protector, payload);
        StoredSession? stored;
        try
        {
            stored = JsonSerializer.Deserialize(json, RedisJsonContext.Default.StoredSession);
        }
        catch (JsonException ex)
        {
            throw new UnusableEntryException(TokenStoreProblem.Corrupt, "its payload is not a SessionKit session", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(json);
        }

        if (stored is null || string.IsNullOrEmpty(stored.AccessToken))
        {
            throw new UnusableEntryException(TokenStoreProblem.Corrupt, "its payload is not a SessionKit session");
        }

        if (!string.Equals(stored.Key, sessionKey, StringComparison.Ordinal))
        {
            throw new UnusableEntryException(TokenStoreProblem.CopiedFromElsewhere, "its payload was written for another session key");
        }

        var session = new Session
        {
            AccessToken = stored.AccessToken,
            RefreshToken = stored.RefreshToken,
            ExpiresAt = stored.ExpiresAt,
            IssuedAt = stored.IssuedAt,
            TokenType = stored.TokenType,
            UserId = stored.UserId,
            Version = stored.Version,
        };
        if (!string.Equals(VersionText(session), version, StringComparison.Ordinal) || !string.Equals(Fingerprint(session), fingerprint, StringComparison.Ordinal))
        {
            throw new UnusableEntryException(TokenStoreProblem.Corrupt, "its version or fingerprint does not match its payload");
        }

        return session;
    }

    /// <summary>Decrypts and checks a stored tombstone.</summary>
    /// <exception cref="UnusableEntryException">It does not decrypt, parse or belong to the key.</exception>
    public static SessionEnd UnprotectEnd(IDataProtector protector, string sessionKey, byte[] payload)
    {
        var json = Unprotect(protector, payload);
        StoredEnd? stored;
        try
        {
            stored = JsonSerializer.Deserialize(json, RedisJsonContext.Default.StoredEnd);
        }
        catch (JsonException ex)
        {
            throw new UnusableEntryException(TokenStoreProblem.Corrupt, "its payload is not a SessionKit tombstone", ex);
        }

        if (stored is null || string.IsNullOrEmpty(stored.Id) || !Enum.IsDefined(stored.Reason))
        {
            throw new UnusableEntryException(TokenStoreProblem.Corrupt, "its payload is not a SessionKit tombstone");
        }

        if (!string.Equals(stored.Key, sessionKey, StringComparison.Ordinal))
        {
            throw new UnusableEntryException(TokenStoreProblem.CopiedFromElsewhere, "its payload was written for another session key");
        }

        return new SessionEnd
        {
            Reason = stored.Reason,
            UserId = stored.UserId,
            ErrorCode = stored.ErrorCode,
            ErrorDescription = stored.ErrorDescription,
            EndedAt = stored.EndedAt,
            Id = stored.Id,
        };
    }

    private static byte[] Unprotect(IDataProtector protector, byte[] payload)
    {
        try
        {
            return protector.Unprotect(payload);
        }
        catch (CryptographicException ex)
        {
            throw new UnusableEntryException(
                TokenStoreProblem.WrongKey,
                "its payload does not decrypt with this application's Data Protection keys (is the key ring shared by every instance, with the same application name?)",
                ex);
        }
    }
}
