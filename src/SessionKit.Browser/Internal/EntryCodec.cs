// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Text.Json;

namespace SessionKit.Browser.Internal;

/// <summary>Turns sessions and tombstones into the text of a web-storage entry and back, refusing anything that is not one.</summary>
internal static class EntryCodec
{
    /// <summary>Entries longer than this are refused unread (a session is a few kilobytes; web storage holds about 5 MB).</summary>
    public const int MaxEntryChars = 256 * 1024;

    public static string Encode(string sessionKey, Session session, string writer) =>
        JsonSerializer.Serialize(
            new StoredEntry
            {
                Format = StoredEntry.CurrentFormat,
                Key = sessionKey,
                Writer = writer,
                Session = new StoredSession
                {
                    AccessToken = session.AccessToken,
                    RefreshToken = session.RefreshToken,
                    ExpiresAt = session.ExpiresAt,
                    IssuedAt = session.IssuedAt,
                    TokenType = session.TokenType,
                    UserId = session.UserId,
                    Version = session.Version,
                },
            },
            BrowserJsonContext.Default.StoredEntry);

    public static string Encode(string sessionKey, SessionEnd end, string writer) =>
        JsonSerializer.Serialize(
            new StoredEntry
            {
                Format = StoredEntry.CurrentFormat,
                Key = sessionKey,
                Writer = writer,
                End = new StoredEnd
                {
                    Reason = end.Reason,
                    UserId = end.UserId,
                    ErrorCode = end.ErrorCode,
                    ErrorDescription = end.ErrorDescription,
                    EndedAt = end.EndedAt,
                    Id = end.Id,
                },
            },
            BrowserJsonContext.Default.StoredEntry);

    /// <summary>Decodes the raw text of the entry of <paramref name="sessionKey"/>.</summary>
    /// <exception cref="UnusableEntryException">The text is not a SessionKit entry, or one written for another key.</exception>
    public static Entry Decode(string sessionKey, string? raw)
    {
        if (raw is null)
        {
            return Entry.Empty;
        }

        if (raw.Length > MaxEntryChars)
        {
            throw new UnusableEntryException(TokenStoreProblem.Corrupt, "it is far larger than any session");
        }

        StoredEntry? stored;
        try
        {
            stored = JsonSerializer.Deserialize(raw, BrowserJsonContext.Default.StoredEntry);
        }
        catch (JsonException ex)
        {
            // The exception's message may quote the entry; only its type travels on.
            throw new UnusableEntryException(TokenStoreProblem.Corrupt, "it is not JSON (" + ex.GetType().Name + ")");
        }

        if (stored is null || stored.Format != StoredEntry.CurrentFormat || (stored.Session is null) == (stored.End is null))
        {
            throw new UnusableEntryException(TokenStoreProblem.Corrupt, "it is not a SessionKit entry of a known format");
        }

        if (!string.Equals(stored.Key, sessionKey, StringComparison.Ordinal))
        {
            throw new UnusableEntryException(TokenStoreProblem.CopiedFromElsewhere, "it was written for another session key");
        }

        if (stored.Session is { } s)
        {
            if (string.IsNullOrEmpty(s.AccessToken) || s.Version < 0)
            {
                throw new UnusableEntryException(TokenStoreProblem.Corrupt, "its session has no access token");
            }

            var session = new Session
            {
                AccessToken = s.AccessToken,
                RefreshToken = s.RefreshToken,
                ExpiresAt = s.ExpiresAt,
                IssuedAt = s.IssuedAt,
                TokenType = string.IsNullOrEmpty(s.TokenType) ? "bearer" : s.TokenType,
                UserId = s.UserId,
                Version = s.Version,
            };
            return new Entry(raw, session, null, stored.Writer);
        }

        var e = stored.End!;
        if (string.IsNullOrEmpty(e.Id) || !Enum.IsDefined(e.Reason))
        {
            throw new UnusableEntryException(TokenStoreProblem.Corrupt, "its tombstone is incomplete");
        }

        var end = new SessionEnd
        {
            Reason = e.Reason,
            UserId = e.UserId,
            ErrorCode = e.ErrorCode,
            ErrorDescription = e.ErrorDescription,
            EndedAt = e.EndedAt,
            Id = e.Id,
        };
        return new Entry(raw, null, end, stored.Writer);
    }

    /// <summary>Returns whether two sessions hold the same tokens at the same version (the compare of compare-and-swap).</summary>
    public static bool SameTokens(Session a, Session b) =>
        ReferenceEquals(a, b)
        || (a.Version == b.Version
            && string.Equals(a.RefreshToken, b.RefreshToken, StringComparison.Ordinal)
            && string.Equals(a.AccessToken, b.AccessToken, StringComparison.Ordinal));
}
