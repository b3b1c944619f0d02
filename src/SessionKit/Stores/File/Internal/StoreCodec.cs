// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SessionKit.Internal;

/// <summary>
/// Turns sessions and tombstones into an encrypted, owner-bound store file and back: AES-256-GCM, the format and the owner
/// binding (hashes of the machine id and the user id) as authenticated data.
/// </summary>
/// <remarks>
/// Format 1 bound the file to one hash that included the host name. Such a file is read when it decrypts and its user is
/// this one (on Linux the file's owner uid; elsewhere the owner-only file could be read), and the next write turns it into
/// format 2. It is never moved aside for its old binding alone.
/// </remarks>
internal sealed class StoreCodec(OwnerIdentity owner, KeyFile keyFile)
{
    private const string Format = "sessionkit-file-store";
    private const int FormatVersion = 2;
    private const int LegacyVersion = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    /// <exception cref="UnusableStoreFileException">The file is corrupt, from elsewhere, or does not decrypt.</exception>
    /// <exception cref="IOException">The key file cannot be read.</exception>
    public (Dictionary<string, Session> Sessions, Dictionary<string, SessionEnd> Ends) Decode(byte[] bytes, string path)
    {
        Envelope envelope;
        try
        {
            envelope = JsonSerializer.Deserialize(bytes, FileStoreJsonContext.Default.Envelope) ?? throw new JsonException("empty envelope");
            var bound = envelope.Version switch
            {
                FormatVersion => envelope.Machine is not null && envelope.User is not null,
                LegacyVersion => envelope.Owner is not null,
                _ => false,
            };
            if (envelope.Format != Format || !bound || envelope.Nonce is null || envelope.Tag is null || envelope.Data is null)
            {
                throw new JsonException("not a SessionKit file store");
            }
        }
        catch (JsonException ex)
        {
            throw new UnusableStoreFileException(TokenStoreProblem.Corrupt, "is corrupt (truncated or not a SessionKit store)", "Sign in again to create a new one.", ex);
        }

        if (envelope.Version == FormatVersion && !string.Equals(envelope.User, owner.UserHash, StringComparison.Ordinal))
        {
            throw Copied("was written by another user account");
        }

        if (envelope.Version == FormatVersion && !string.Equals(envelope.Machine, owner.MachineHash, StringComparison.Ordinal))
        {
            throw Copied("was written on another machine (its machine id differs)");
        }

        var plain = Decrypt(envelope);
        try
        {
            if (envelope.Version == LegacyVersion && !string.Equals(envelope.Owner, owner.LegacyOwnerHash, StringComparison.Ordinal)
                && !OwnedByThisUser(path))
            {
                throw Copied("was written by another user account");
            }

            var content = JsonSerializer.Deserialize(plain, FileStoreJsonContext.Default.StoreContent) ?? new StoreContent();
            var sessions = new Dictionary<string, Session>(StringComparer.Ordinal);
            foreach (var (name, record) in content.Sessions)
            {
                sessions[name] = record.ToSession();
            }

            var ends = new Dictionary<string, SessionEnd>(StringComparer.Ordinal);
            foreach (var (name, record) in content.Ends ?? [])
            {
                ends[name] = record.ToEnd();
            }

            return (sessions, ends);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            throw new UnusableStoreFileException(TokenStoreProblem.Corrupt, "holds unreadable session data", "Sign in again to create a new one.", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary>The bytes of a format 2 file holding <paramref name="sessions"/> and <paramref name="ends"/>.</summary>
    public byte[] Encode(Dictionary<string, Session> sessions, Dictionary<string, SessionEnd> ends, byte[] key)
    {
        var content = new StoreContent();
        foreach (var (name, session) in sessions)
        {
            content.Sessions[name] = SessionRecord.From(session);
        }

        if (ends.Count > 0)
        {
            content.Ends = new Dictionary<string, EndRecord>(StringComparer.Ordinal);
            foreach (var (name, end) in ends)
            {
                content.Ends[name] = EndRecord.From(end);
            }
        }

        var envelope = new Envelope { Format = Format, Version = FormatVersion, Machine = owner.MachineHash, User = owner.UserHash };
        var plain = JsonSerializer.SerializeToUtf8Bytes(content, FileStoreJsonContext.Default.StoreContent);
        var nonce = RandomNumberGenerator.GetBytes(NonceSize);
        var cipher = new byte[plain.Length];
        var tag = new byte[TagSize];
        using (var aes = new AesGcm(key, TagSize))
        {
            aes.Encrypt(nonce, plain, cipher, tag, AssociatedData(envelope));
        }

        CryptographicOperations.ZeroMemory(plain);
        envelope.Nonce = Convert.ToBase64String(nonce);
        envelope.Tag = Convert.ToBase64String(tag);
        envelope.Data = Convert.ToBase64String(cipher);
        return JsonSerializer.SerializeToUtf8Bytes(envelope, FileStoreJsonContext.Default.Envelope);
    }

    private static byte[] AssociatedData(Envelope envelope) => Encoding.UTF8.GetBytes(envelope.Version == LegacyVersion
        ? $"{Format}:v{LegacyVersion}:{envelope.Owner}"
        : $"{Format}:v{FormatVersion}:{envelope.Machine}:{envelope.User}");

    private static bool OwnedByThisUser(string path) =>
        OperatingSystem.IsWindows() || !Posix.TryGetOwner(path, out var uid) || uid == Posix.GetUid();

    private static UnusableStoreFileException Copied(string what) =>
        new(TokenStoreProblem.CopiedFromElsewhere, what, "Session files cannot be moved between hosts or accounts: sign in on this host.", null);

    private byte[] Decrypt(Envelope envelope)
    {
        var key = keyFile.Load() ?? throw new UnusableStoreFileException(
            TokenStoreProblem.WrongKey, $"cannot be decrypted: its key file '{keyFile.Path}' is missing", "Sign in again to create a new store and key.", null);
        try
        {
            var nonce = Convert.FromBase64String(envelope.Nonce!);
            var tag = Convert.FromBase64String(envelope.Tag!);
            var cipher = Convert.FromBase64String(envelope.Data!);
            var plain = new byte[cipher.Length];
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(nonce, cipher, tag, plain, AssociatedData(envelope));
            return plain;
        }
        catch (FormatException ex)
        {
            throw new UnusableStoreFileException(TokenStoreProblem.Corrupt, "is corrupt (bad encoding)", "Sign in again to create a new one.", ex);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            throw new UnusableStoreFileException(TokenStoreProblem.WrongKey, $"does not decrypt with the key in '{keyFile.Path}' (the key was replaced, or the file altered)", "Sign in again to create a new store.", ex);
        }
    }
}
