// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Text;
using SessionKit.Internal;
using SessionKit.Testing;
using SessionKit.Tests.Support;

namespace SessionKit.Tests.Stores;

/// <summary>The file store on real files: round trips, compare-and-swap across instances, permissions, encryption, bad files.</summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class FileTokenStoreTests
{
    private DirectoryInfo _dir = null!;
    private string _path = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("sessionkit-store-");
        _path = Path.Combine(_dir.FullName, "nested", "sessions.dat");
    }

    [TearDown]
    public void TearDown() => _dir.Delete(recursive: true);

    [Test]
    public async Task SetAsync_NewInstance_ReadsTheSameSession()
    {
        using var writer = CreateSut();
        var session = Make(3, "rt-round-trip");
        await writer.SetAsync("default", session, CancellationToken.None);

        using var reader = CreateSut();
        var read = await reader.GetAsync("default", CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(Session.SameTokens(read, session), Is.True);
            Assert.That(read!.ExpiresAt, Is.EqualTo(session.ExpiresAt));
            Assert.That(read.UserId, Is.EqualTo("user-1"));
        });
    }

    [Test]
    public async Task TryEndAsync_OtherInstance_SeesTheTombstoneUntilTheNextSignIn()
    {
        using var a = CreateSut();
        using var b = CreateSut();
        var v0 = Make(0, "rt-0");
        await a.SetAsync("default", v0, CancellationToken.None);
        var end = SessionEnd.Create(SessionEndReason.RefreshTokenAlreadyUsed, new DateTimeOffset(2031, 1, 1, 0, 0, 0, TimeSpan.Zero), "user-1", "refresh_token_already_used", "Invalid Refresh Token: Already Used");

        var ended = await a.TryEndAsync("default", v0, end, CancellationToken.None);
        var seenByB = await b.GetEndAsync("default", CancellationToken.None);
        await b.SetAsync("default", Make(0, "rt-fresh"), CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(ended, Is.True);
            Assert.That(seenByB, Is.Not.Null);
            Assert.That(seenByB!.Id, Is.EqualTo(end.Id));
            Assert.That(seenByB.Reason, Is.EqualTo(SessionEndReason.RefreshTokenAlreadyUsed));
            Assert.That(seenByB.ErrorDescription, Is.EqualTo("Invalid Refresh Token: Already Used"));
            Assert.That(seenByB.EndedAt, Is.EqualTo(end.EndedAt));
            Assert.That(await a.GetEndAsync("default", CancellationToken.None), Is.Null, "a sign-in replaces the tombstone");
            Assert.That((await a.GetAsync("default", CancellationToken.None))!.RefreshToken, Is.EqualTo("rt-fresh"));
        });
    }

    [Test]
    public async Task TryEndAsync_StaleExpected_RefusesAndKeepsTheSession()
    {
        using var sut = CreateSut();
        await sut.SetAsync("default", Make(1, "rt-1"), CancellationToken.None);

        var ended = await sut.TryEndAsync("default", Make(0, "rt-0"), SessionEnd.Create(SessionEndReason.SignedOut, DateTimeOffset.UnixEpoch), CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(ended, Is.False);
            Assert.That((await sut.GetAsync("default", CancellationToken.None))!.RefreshToken, Is.EqualTo("rt-1"));
        });
    }

    [Test]
    public async Task TryReplaceAsync_OtherInstanceWroteFirst_RefusesStaleExpected()
    {
        using var a = CreateSut();
        using var b = CreateSut();
        var v0 = Make(0, "rt-0");
        await a.SetAsync("default", v0, CancellationToken.None);
        _ = await b.GetAsync("default", CancellationToken.None);

        var first = await a.TryReplaceAsync("default", v0, Make(1, "rt-a"), CancellationToken.None);
        var second = await b.TryReplaceAsync("default", v0, Make(1, "rt-b"), CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(first, Is.True);
            Assert.That(second, Is.False, "b's expected session is stale: the file changed under it");
            Assert.That((await b.GetAsync("default", CancellationToken.None))!.RefreshToken, Is.EqualTo("rt-a"));
        });
    }

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task SetAsync_Unix_FileAndKeyOwnerOnlyFolderPrivateNoPlaintextToken()
    {
        Assume.That(OperatingSystem.IsWindows(), Is.False);
        using var sut = CreateSut();
        var session = Make(0, "rt-very-secret-refresh");

        await sut.SetAsync("default", session, CancellationToken.None);

        var raw = Encoding.UTF8.GetString(await File.ReadAllBytesAsync(_path));
        Assert.Multiple(() =>
        {
            Assert.That(File.GetUnixFileMode(_path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
            Assert.That(File.GetUnixFileMode(_path + ".key"), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
            Assert.That(File.GetUnixFileMode(Path.GetDirectoryName(_path)!), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
            Assert.That(raw, Does.Not.Contain("rt-very-secret-refresh"));
            Assert.That(raw, Does.Not.Contain(session.AccessToken.Split('.')[1]));
            Assert.That(raw, Does.Contain("sessionkit-file-store"));
            Assert.That(Directory.GetFiles(Path.GetDirectoryName(_path)!, "*.tmp-*", SearchOption.TopDirectoryOnly), Is.Empty, "no temp file left behind");
        });
    }

    [Test]
    public async Task SetAsync_TempFileLeftByACrashedWriter_SweptOnceStale()
    {
        var folder = Path.GetDirectoryName(_path)!;
        Directory.CreateDirectory(folder);
        var stale = Path.Combine(folder, ".sessions.dat.tmp-DEADBEEF0001");
        var fresh = Path.Combine(folder, ".sessions.dat.tmp-DEADBEEF0002");
        await File.WriteAllTextAsync(stale, "half-written");
        await File.WriteAllTextAsync(fresh, "being written by another process right now");
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddMinutes(-5));
        using var sut = CreateSut();

        await sut.SetAsync("default", Make(0, "rt-0"), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(stale), Is.False);
            Assert.That(File.Exists(fresh), Is.True, "a young temp file may belong to a writer still at work");
        });
    }

    [Test]
    public async Task GetAsync_TruncatedFile_CorruptKeptAsideThenEmpty()
    {
        using var sut = CreateSut();
        await sut.SetAsync("default", Make(0, "rt-0"), CancellationToken.None);
        var original = await File.ReadAllBytesAsync(_path);
        await File.WriteAllBytesAsync(_path, original[..(original.Length / 2)]);

        var ex = await GetFailureAsync(CreateSut());

        Assert.Multiple(async () =>
        {
            Assert.That(ex.Problem, Is.EqualTo(TokenStoreProblem.Corrupt));
            Assert.That(ex.FilePath, Is.EqualTo(_path));
            Assert.That(ex.Message, Does.Contain(_path).And.Contain("Sign in again"));
            Assert.That(await File.ReadAllBytesAsync(ex.KeptAsidePath!), Is.EqualTo(original[..(original.Length / 2)]), "the bad file is kept for inspection");
            Assert.That(await CreateSut().GetAsync("default", CancellationToken.None), Is.Null);
        });
    }

    [Test]
    public async Task GetAsync_GarbageFile_Corrupt()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        await File.WriteAllTextAsync(_path, "<html>not a store</html>");

        var ex = await GetFailureAsync(CreateSut());

        Assert.That(ex.Problem, Is.EqualTo(TokenStoreProblem.Corrupt));
    }

    [Test]
    public async Task GetAsync_KeyReplaced_WrongKey()
    {
        using var sut = CreateSut();
        await sut.SetAsync("default", Make(0, "rt-0"), CancellationToken.None);
        await File.WriteAllBytesAsync(_path + ".key", System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

        var ex = await GetFailureAsync(CreateSut());

        Assert.Multiple(() =>
        {
            Assert.That(ex.Problem, Is.EqualTo(TokenStoreProblem.WrongKey));
            Assert.That(File.Exists(ex.KeptAsidePath), Is.True);
        });
    }

    [TestCase("machine")]
    [TestCase("user")]
    public async Task GetAsync_FileFromAnotherMachineOrUser_CopiedFromElsewhere(string other)
    {
        var here = OwnerIdentity.Current;
        using var elsewhere = new FileTokenStore(new FileTokenStoreOptions { Path = _path, Identity = other == "machine" ? here with { MachineId = "laptop-7" } : here with { UserId = "uid:4242" } });
        await elsewhere.SetAsync("default", Make(0, "rt-0"), CancellationToken.None);

        var ex = await GetFailureAsync(CreateSut());

        Assert.Multiple(() =>
        {
            Assert.That(ex.Problem, Is.EqualTo(TokenStoreProblem.CopiedFromElsewhere));
            Assert.That(ex.Message, Does.Contain("sign in on this host"));
        });
    }

    [Test]
    public async Task SetAsync_AfterCorruptFile_SignInWritesAFreshStoreAndKeepsTheBadOne()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        await File.WriteAllTextAsync(_path, "garbage");
        using var sut = CreateSut();

        await sut.SetAsync("default", Make(0, "rt-new"), CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That((await CreateSut().GetAsync("default", CancellationToken.None))!.RefreshToken, Is.EqualTo("rt-new"));
            Assert.That(Directory.GetFiles(Path.GetDirectoryName(_path)!, "sessions.dat.corrupt-*"), Has.Length.EqualTo(1));
        });
    }

    [TestCase("corrupt")]
    [TestCase("wrong-key")]
    [TestCase("copied")]
    public async Task SendAsync_UnusableStore_TypedErrorAndNoNetworkCall(string problem)
    {
        await using var server = await GoTrueTestServer.StartAsync();
        server.AddUser("ada@example.test", "pw");
        var issued = server.IssueSession("ada@example.test");
        var expired = new Session { AccessToken = issued.AccessToken, RefreshToken = issued.RefreshToken, ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1) };
        using (var writer = problem == "copied" ? new FileTokenStore(new FileTokenStoreOptions { Path = _path, Identity = OwnerIdentity.Current with { UserId = "uid:4242" } }) : CreateSut())
        {
            await writer.SetAsync("default", expired, CancellationToken.None);
        }

        if (problem == "corrupt")
        {
            await File.WriteAllTextAsync(_path, "{\"format\":\"sessionkit-file-store\",\"version\":1,");
        }
        else if (problem == "wrong-key")
        {
            await File.WriteAllBytesAsync(_path + ".key", new byte[32]);
        }

        using var sut = new Harness(server, CreateSut());

        var ex = Assert.ThrowsAsync<TokenStoreException>(() => sut.Api.GetAsync("me"));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.FilePath, Is.EqualTo(_path));
            Assert.That(server.Counters.RefreshRequests, Is.Zero, "no refresh is attempted with an unusable store");
        });
        Assert.ThrowsAsync<SessionRequiredException>(() => sut.Api.GetAsync("me"), "the bad file is kept aside: next, a sign-in is required");
    }

    [Test]
    public async Task RefreshAsync_TwoCoordinatorsTwoInstancesOneFile_OneServerCallAndTheOtherAdopts()
    {
        await using var server = await GoTrueTestServer.StartAsync();
        server.AddUser("ada@example.test", "pw");
        var gate = new GatedHandler(holdAfterResponse: true);
        using var a = new Harness(server, CreateSut(), tokenHandler: gate);
        using var b = new Harness(server, CreateSut());
        var issued = server.IssueSession("ada@example.test");
        var s0 = new Session { AccessToken = issued.AccessToken, RefreshToken = issued.RefreshToken, ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1) };
        await a.Client.SetSessionAsync(s0);

        var first = a.Coordinator.RefreshAsync("default", s0, CancellationToken.None);
        await gate.Arrived;
        var second = b.Coordinator.RefreshAsync("default", s0, CancellationToken.None);
        gate.Release();
        var results = await Task.WhenAll(first, second);

        Assert.Multiple(() =>
        {
            Assert.That(server.Counters.RefreshRequests, Is.EqualTo(1), "the second process waited for the lock, re-read the file and adopted");
            Assert.That(results[1].RefreshToken, Is.EqualTo(results[0].RefreshToken));
            Assert.That(results[0].RefreshToken, Is.EqualTo(server.ActiveRefreshToken(issued.SessionId)));
        });
    }

    [TestCase(0)]
    [TestCase(16)]
    public async Task SetAsync_DamagedKeyAndNoDataFile_ReplacesTheKey(int keyLength)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        await File.WriteAllBytesAsync(_path + ".key", new byte[keyLength]);
        using var sut = CreateSut();

        await sut.SetAsync("default", Make(0, "rt-new"), CancellationToken.None);

        using var reader = CreateSut();
        Assert.Multiple(async () =>
        {
            Assert.That((await reader.GetAsync("default", CancellationToken.None))?.RefreshToken, Is.EqualTo("rt-new"));
            Assert.That(new FileInfo(_path + ".key").Length, Is.EqualTo(32));
        });
    }

    [TestCase(0)]
    [TestCase(16)]
    public async Task TryReplaceAsync_DamagedKeyWithDataFile_TypedErrorThenSignInWorks(int keyLength)
    {
        var v0 = Make(0, "rt-0");
        using (var writer = CreateSut())
        {
            await writer.SetAsync("default", v0, CancellationToken.None);
        }

        await File.WriteAllBytesAsync(_path + ".key", new byte[keyLength]);
        using var sut = CreateSut();

        var ex = Assert.ThrowsAsync<TokenStoreException>(async () => await sut.TryReplaceAsync("default", v0, Make(1, "rt-1"), CancellationToken.None));
        await sut.SetAsync("default", Make(0, "rt-signed-in-again"), CancellationToken.None);

        using var reader = CreateSut();
        Assert.Multiple(async () =>
        {
            Assert.That(ex!.Problem, Is.EqualTo(TokenStoreProblem.WrongKey));
            Assert.That(ex.Message, Does.Contain(_path + ".key"));
            Assert.That((await reader.GetAsync("default", CancellationToken.None))?.RefreshToken, Is.EqualTo("rt-signed-in-again"), "a sign-in replaces the unusable file and its damaged key");
        });
    }

    [Test]
    public async Task RefreshAsync_WriteLockHeldTooLong_TransientErrorAndTheRotatedSessionIsKeptAndWrittenLater()
    {
        await using var server = await GoTrueTestServer.StartAsync();
        server.AddUser("ada@example.test", "pw");
        var store = new FileTokenStore(new FileTokenStoreOptions { Path = _path, LockTimeout = TimeSpan.FromMilliseconds(300) });
        using var sut = new Harness(server, store);
        var issued = server.IssueSession("ada@example.test");
        var s0 = new Session { AccessToken = issued.AccessToken, RefreshToken = issued.RefreshToken, ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1) };
        await sut.Client.SetSessionAsync(s0);
        var held = await FileLock.AcquireAsync(_path + ".lock", TimeSpan.FromSeconds(1), TimeProvider.System, CancellationToken.None);

        var failure = Assert.CatchAsync(async () => await sut.Coordinator.RefreshAsync("default", s0, CancellationToken.None));
        var inMemory = await store.GetAsync("default", CancellationToken.None);
        await held.DisposeAsync();
        using var response = await sut.Api.GetAsync("me");
        using var reader = CreateSut();
        var onDisk = await reader.GetAsync("default", CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(failure, Is.InstanceOf<TokenStoreException>().With.Property(nameof(TokenStoreException.IsTransient)).True, failure?.ToString());
            Assert.That(inMemory?.RefreshToken, Is.EqualTo(server.ActiveRefreshToken(issued.SessionId)), "the rotated session is kept in memory while the file cannot be written");
            Assert.That(response.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK));
            Assert.That(onDisk?.RefreshToken, Is.EqualTo(server.ActiveRefreshToken(issued.SessionId)), "written once the lock is free");
            Assert.That(server.Counters.RefreshRequests, Is.EqualTo(1), "the rotated token was never lost, so never refreshed again");
        });
    }

    [Test]
    public async Task GetAsync_HostRenamed_StoreStillReadable()
    {
        var before = new OwnerIdentity("machine-1", "uid:1000", "machine=machine-1;user=ada;domain=host-a");
        using (var writer = new FileTokenStore(new FileTokenStoreOptions { Path = _path, Identity = before }))
        {
            await writer.SetAsync("default", Make(0, "rt-0"), CancellationToken.None);
        }

        using var sut = new FileTokenStore(new FileTokenStoreOptions { Path = _path, Identity = before with { LegacyIdentity = "machine=machine-1;user=ada;domain=host-b" } });
        var read = await sut.GetAsync("default", CancellationToken.None);

        Assert.That(read?.RefreshToken, Is.EqualTo("rt-0"), "the binding is the machine id and the user id, never the host name");
    }

    [Test]
    public async Task GetAsync_FormatOneFileFromBeforeAHostRename_ReadAndRewrittenInTheCurrentFormat()
    {
        await WriteFormatOneFileAsync("machine=machine-1;user=ada;domain=old-host-name", Make(0, "rt-v1"));
        using var sut = CreateSut();

        var read = await sut.GetAsync("default", CancellationToken.None);
        var swapped = await sut.TryReplaceAsync("default", read, Make(1, "rt-v2"), CancellationToken.None);

        using var reader = CreateSut();
        var envelope = System.Text.Json.JsonDocument.Parse(await File.ReadAllBytesAsync(_path)).RootElement;
        Assert.Multiple(async () =>
        {
            Assert.That(read?.RefreshToken, Is.EqualTo("rt-v1"), "a format 1 file that decrypts and belongs to this user is not refused for its old binding");
            Assert.That(swapped, Is.True);
            Assert.That(envelope.GetProperty("version").GetInt32(), Is.EqualTo(2));
            Assert.That(envelope.TryGetProperty("owner", out _), Is.False, "the host-name binding is gone");
            Assert.That((await reader.GetAsync("default", CancellationToken.None))?.RefreshToken, Is.EqualTo("rt-v2"));
            Assert.That(Directory.GetFiles(Path.GetDirectoryName(_path)!, "sessions.dat.*-*"), Is.Empty, "nothing was moved aside");
        });
    }

    [Test]
    public async Task TryReplaceAsync_UnchangedStatTwoInstances_NeverBothSwap()
    {
        // A file system whose timestamps never move within the test: every write looks unchanged to a (timestamp, length) cache.
        var stamp = (new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc), 4096L);
        using var a = CreateSut();
        using var b = CreateSut();
        a.StatHook = b.StatHook = _ => stamp;
        await a.SetAsync("default", Make(0, "rt-start-00"), CancellationToken.None);

        var both = 0;
        for (var round = 0; round < 300; round++)
        {
            var current = (await a.GetAsync("default", CancellationToken.None))!;
            _ = await b.GetAsync("default", CancellationToken.None);
            var swappedA = await a.TryReplaceAsync("default", current, Make(round + 1, $"rt-a-{round:00000}"), CancellationToken.None);
            var swappedB = await b.TryReplaceAsync("default", current, Make(round + 1, $"rt-b-{round:00000}"), CancellationToken.None);
            both += swappedA && swappedB ? 1 : 0;
        }

        Assert.That(both, Is.Zero, "under the write lock the file is read again, whatever its timestamp says");
    }

    [Test]
    public async Task GetAsync_RefreshLockHeldUnchangedStat_ReadsTheFileAgain()
    {
        var stamp = (new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc), 4096L);
        using var a = CreateSut();
        using var b = CreateSut();
        a.StatHook = b.StatHook = _ => stamp;
        var v0 = Make(0, "rt-0");
        await a.SetAsync("default", v0, CancellationToken.None);
        _ = await b.GetAsync("default", CancellationToken.None);
        await a.TryReplaceAsync("default", v0, Make(1, "rt-1"), CancellationToken.None);

        var outside = await b.GetAsync("default", CancellationToken.None);
        Session? inside;
        await using (await b.AcquireRefreshLockAsync("default", CancellationToken.None))
        {
            inside = await b.GetAsync("default", CancellationToken.None);
        }

        Assert.Multiple(() =>
        {
            Assert.That(outside?.RefreshToken, Is.EqualTo("rt-0"), "outside the locks a cached read is fine (this is the fake unchanged stat)");
            Assert.That(inside?.RefreshToken, Is.EqualTo("rt-1"), "holding the refresh lock, the file is read again");
        });
    }

    [Test]
    public async Task TryReplaceAsync_WriteLockHeldTooLong_TransientAndTheRotationIsServedThenWritten()
    {
        var v0 = Make(0, "rt-0");
        using var sut = new FileTokenStore(new FileTokenStoreOptions { Path = _path, LockTimeout = TimeSpan.FromMilliseconds(100) });
        await sut.SetAsync("default", v0, CancellationToken.None);
        var held = await FileLock.AcquireAsync(_path + ".lock", TimeSpan.FromSeconds(1), TimeProvider.System, CancellationToken.None);

        var ex = Assert.ThrowsAsync<TokenStoreException>(async () => await sut.TryReplaceAsync("default", v0, Make(1, "rt-1"), CancellationToken.None));
        var whileHeld = await sut.GetAsync("default", CancellationToken.None);
        var onDiskWhileHeld = await CreateSut().GetAsync("default", CancellationToken.None);
        await held.DisposeAsync();
        var rotatedAgain = await sut.TryReplaceAsync("default", whileHeld, Make(2, "rt-2"), CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(ex!.IsTransient, Is.True);
            Assert.That(ex.Message, Does.Not.Contain("rt-"));
            Assert.That(whileHeld?.RefreshToken, Is.EqualTo("rt-1"), "served from memory");
            Assert.That(onDiskWhileHeld?.RefreshToken, Is.EqualTo("rt-0"));
            Assert.That(rotatedAgain, Is.True, "the next rotation starts from the one kept in memory");
            Assert.That((await CreateSut().GetAsync("default", CancellationToken.None))?.RefreshToken, Is.EqualTo("rt-2"));
        });
    }

    [Test]
    public async Task TryReplaceAsync_UnwrittenRotationThenAnotherProcessSignsIn_TheFileWins()
    {
        var v0 = Make(0, "rt-0");
        using var sut = new FileTokenStore(new FileTokenStoreOptions { Path = _path, LockTimeout = TimeSpan.FromMilliseconds(100) });
        await sut.SetAsync("default", v0, CancellationToken.None);
        await using (await FileLock.AcquireAsync(_path + ".lock", TimeSpan.FromSeconds(1), TimeProvider.System, CancellationToken.None))
        {
            Assert.ThrowsAsync<TokenStoreException>(async () => await sut.TryReplaceAsync("default", v0, Make(1, "rt-1"), CancellationToken.None));
        }

        using (var other = CreateSut())
        {
            await other.SetAsync("default", Make(0, "rt-signed-in-elsewhere"), CancellationToken.None);
        }

        Assert.That((await sut.GetAsync("default", CancellationToken.None))?.RefreshToken, Is.EqualTo("rt-signed-in-elsewhere"));
    }

    [Test]
    public async Task TryReplaceAsync_LockFileOnReadOnlyPathIsNotContention_FailsAtOnce()
    {
        Assume.That(OperatingSystem.IsWindows(), Is.False);
        using var sut = new FileTokenStore(new FileTokenStoreOptions { Path = _path, LockTimeout = TimeSpan.FromSeconds(20) });
        var v0 = Make(0, "rt-0");
        await sut.SetAsync("default", v0, CancellationToken.None);
        File.Delete(_path + ".lock");
        Directory.CreateDirectory(_path + ".lock");

        var elapsed = System.Diagnostics.Stopwatch.StartNew();
        var ex = Assert.ThrowsAsync<TokenStoreException>(async () => await sut.TryReplaceAsync("default", v0, Make(1, "rt-1"), CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(elapsed.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "an error that is not contention is reported at once");
            Assert.That(ex!.IsTransient, Is.True);
            Assert.That(ex.Message, Does.Contain("directory").IgnoreCase);
        });
    }

    private async Task WriteFormatOneFileAsync(string legacyIdentity, Session session)
    {
        // Format 1, as SessionKit wrote it before the binding moved to machine and user ids: one owner hash, host name included.
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        await File.WriteAllBytesAsync(_path + ".key", key);
        var owner = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes("sessionkit-owner:" + legacyIdentity))).ToLowerInvariant();
        var content = new StoreContent();
        content.Sessions["default"] = SessionRecord.From(session);
        var plain = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(content, FileStoreJsonContext.Default.StoreContent);
        var nonce = System.Security.Cryptography.RandomNumberGenerator.GetBytes(12);
        var cipher = new byte[plain.Length];
        var tag = new byte[16];
        using (var aes = new System.Security.Cryptography.AesGcm(key, 16))
        {
            aes.Encrypt(nonce, plain, cipher, tag, Encoding.UTF8.GetBytes($"sessionkit-file-store:v1:{owner}"));
        }

        var envelope = new Envelope { Format = "sessionkit-file-store", Version = 1, Owner = owner, Nonce = Convert.ToBase64String(nonce), Tag = Convert.ToBase64String(tag), Data = Convert.ToBase64String(cipher) };
        await File.WriteAllBytesAsync(_path, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(envelope, FileStoreJsonContext.Default.Envelope));
    }

    private static Session Make(long version, string refreshToken) => new()
    {
        AccessToken = TestJwt.Create("user-1"),
        RefreshToken = refreshToken,
        ExpiresAt = new DateTimeOffset(2031, 1, 1, 0, 0, 0, TimeSpan.Zero),
        IssuedAt = new DateTimeOffset(2030, 12, 31, 23, 0, 0, TimeSpan.Zero),
        Version = version,
    };

    private static async Task<TokenStoreException> GetFailureAsync(FileTokenStore store)
    {
        using (store)
        {
            try
            {
                await store.GetAsync("default", CancellationToken.None);
            }
            catch (TokenStoreException ex)
            {
                return ex;
            }
        }

        Assert.Fail("expected a TokenStoreException");
        throw new InvalidOperationException();
    }

    private FileTokenStore CreateSut() => new(new FileTokenStoreOptions { Path = _path, LockTimeout = TimeSpan.FromSeconds(20) });
}
