// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Buffers;
using System.Text;
using System.Text.Json;

namespace SessionKit.Browser.Internal;

/// <summary>
/// Turns sessions and tombstones into the text of a web-storage entry and back, refusing anything that is not one. Written with
/// <see cref="Utf8JsonWriter"/> and <see cref="JsonDocument"/> rather than a serializer: no reflection, and a smaller download.
/// </summary>
/// <remarks>
/// The entry is <c>{"f":1,"k":key,"w":tab,"s":{session}}</c> or <c>{"f":1,"k":key,"w":tab,"e":{end}}</c>: the format, the key it
/// was written for (an entry copied under another key is refused), the tab that wrote it (shown by apps, trusted for nothing).
/// </remarks>
internal static class EntryCodec
{
    /// <summary>Entries longer than this are refused unread (a session is a few kilobytes; web storage holds about 5 MB).</summary>
    public const int MaxEntryChars = 256 * 1024;

    private const int Format = 1;

    public static string Encode(string sessionKey, Session session, string writer) =>
        Write(sessionKey, writer, json =>
        {
            json.WriteStartObject("s");
            json.WriteString("a", session.AccessToken);
            WriteOptional(json, "r", session.RefreshToken);
            json.WriteString("x", session.ExpiresAt);
            if (session.IssuedAt is { } issuedAt)
            {
                json.WriteString("i", issuedAt);
            }

            json.WriteString("t", session.TokenType);
            WriteOptional(json, "u", session.UserId);
            json.WriteNumber("v", session.Version);
            json.WriteEndObject();
        });

    public static string Encode(string sessionKey, SessionEnd end, string writer) =>
        Write(sessionKey, writer, json =>
        {
            json.WriteStartObject("e");
            json.WriteNumber("r", (int)end.Reason);
            WriteOptional(json, "u", end.UserId);
            WriteOptional(json, "c", end.ErrorCode);
            WriteOptional(json, "d", end.ErrorDescription);
            json.WriteString("at", end.EndedAt);
            json.WriteString("id", end.Id);
            json.WriteEndObject();
        });

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

        try
        {
            using var document = JsonDocument.Parse(raw);
            return Decode(sessionKey, raw, document.RootElement);
        }
        catch (JsonException ex)
        {
            // The exception's message may quote the entry; only its type travels on.
            throw new UnusableEntryException(TokenStoreProblem.Corrupt, "it is not JSON (" + ex.GetType().Name + ")");
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            // A member of the wrong JSON type, or a malformed date.
            throw new UnusableEntryException(TokenStoreProblem.Corrupt, "it is not a SessionKit entry (" + ex.GetType().Name + ")");
        }
    }

    /// <summary>Returns whether two sessions hold the same tokens at the same version (the compare of compare-and-swap).</summary>
    public static bool SameTokens(Session a, Session b) =>
        ReferenceEquals(a, b)
        || (a.Version == b.Version
            && string.Equals(a.RefreshToken, b.RefreshToken, StringComparison.Ordinal)
            && string.Equals(a.AccessToken, b.AccessToken, StringComparison.Ordinal));

    private static Entry Decode(string sessionKey, string raw, JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("f", out var format) || format.ValueKind != JsonValueKind.Number || format.GetInt32() != Format)
        {
            throw new UnusableEntryException(TokenStoreProblem.Corrupt, "it is not a SessionKit entry of a known format");
        }

        var hasSession = root.TryGetProperty("s", out var s) && s.ValueKind == JsonValueKind.Object;
        var hasEnd = root.TryGetProperty("e", out var e) && e.ValueKind == JsonValueKind.Object;
        if (hasSession == hasEnd)
        {
            throw new UnusableEntryException(TokenStoreProblem.Corrupt, "it is not a SessionKit entry of a known format");
        }

        if (!string.Equals(Text(root, "k"), sessionKey, StringComparison.Ordinal))
        {
            throw new UnusableEntryException(TokenStoreProblem.CopiedFromElsewhere, "it was written for another session key");
        }

        var writer = Text(root, "w");
        if (hasSession)
        {
            var accessToken = Text(s, "a");
            var version = s.TryGetProperty("v", out var v) ? v.GetInt64() : 0;
            if (string.IsNullOrEmpty(accessToken) || version < 0 || !s.TryGetProperty("x", out var expiresAt))
            {
                throw new UnusableEntryException(TokenStoreProblem.Corrupt, "its session is incomplete");
            }

            var session = new Session
            {
                AccessToken = accessToken,
                RefreshToken = Text(s, "r"),
                ExpiresAt = expiresAt.GetDateTimeOffset(),
                IssuedAt = s.TryGetProperty("i", out var issuedAt) ? issuedAt.GetDateTimeOffset() : null,
                TokenType = Text(s, "t") is { Length: > 0 } type ? type : "bearer",
                UserId = Text(s, "u"),
                Version = version,
            };
            return new Entry(raw, session, null, writer);
        }

        var id = Text(e, "id");
        var reason = e.TryGetProperty("r", out var r) ? (SessionEndReason)r.GetInt32() : default;
        if (string.IsNullOrEmpty(id) || !Enum.IsDefined(reason) || !e.TryGetProperty("at", out var endedAt))
        {
            throw new UnusableEntryException(TokenStoreProblem.Corrupt, "its tombstone is incomplete");
        }

        var end = new SessionEnd
        {
            Reason = reason,
            UserId = Text(e, "u"),
            ErrorCode = Text(e, "c"),
            ErrorDescription = Text(e, "d"),
            EndedAt = endedAt.GetDateTimeOffset(),
            Id = id,
        };
        return new Entry(raw, null, end, writer);
    }

    /// <summary>The string member <paramref name="name"/>, or <see langword="null"/> when absent or null.</summary>
    /// <exception cref="InvalidOperationException">The member is not a string.</exception>
    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.GetString() : null;

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    private static string Write(string sessionKey, string writer, Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("f", Format);
            json.WriteString("k", sessionKey);
            json.WriteString("w", writer);
            body(json);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
