// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.DataProtection;
using SessionKit.Redis;
using StackExchange.Redis;

namespace SessionKit.Benchmarks;

/// <summary>
/// The Redis store against raw StackExchange.Redis calls on the same bytes (a redis-server started on a free loopback port for
/// the run): a read is one <c>HMGET</c> plus a cache check (the payload is decrypted once per version); a compare-and-swap is
/// a Data Protection encryption, two fingerprints and one Lua script.
/// </summary>
[MemoryDiagnoser(displayGenColumns: false)]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class RedisBenchmarks
{
    private Process _server = null!;
    private DirectoryInfo _dir = null!;
    private ConnectionMultiplexer _redis = null!;
    private IDatabase _db = null!;
    private RedisTokenStore _store = null!;
    private byte[] _payload = null!;
    private RedisValue[] _fields = null!;
    private Session _a = null!;
    private Session _b = null!;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Directory.CreateTempSubdirectory("sessionkit-bench-redis-");
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            var start = new ProcessStartInfo("redis-server") { UseShellExecute = false, RedirectStandardOutput = true };
            foreach (var a in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", _dir.FullName, "--save", string.Empty, "--appendonly", "no" })
            {
                start.ArgumentList.Add(a);
            }

            _server = Process.Start(start)!;
            _server.BeginOutputReadLine();
            var config = ConfigurationOptions.Parse($"127.0.0.1:{port}");
            config.AbortOnConnectFail = false;
            _redis = ConnectionMultiplexer.Connect(config);
            while (!_redis.IsConnected)
            {
                Thread.Sleep(20);
            }
        }

        _db = _redis.GetDatabase();
        _store = new RedisTokenStore(_redis, new EphemeralDataProtectionProvider(), new RedisTokenStoreOptions { KeyPrefix = "bench:" });
        _a = new Session { AccessToken = Fixtures.NewAccessToken(), RefreshToken = "a-refresh-token-0123456789", ExpiresAt = DateTimeOffset.UtcNow.AddDays(1), Version = 1 };
        _b = new Session { AccessToken = Fixtures.NewAccessToken(), RefreshToken = "b-refresh-token-0123456789", ExpiresAt = DateTimeOffset.UtcNow.AddDays(1), Version = 2 };
        _store.SetAsync("default", _a, CancellationToken.None).AsTask().Wait();
        _store.GetAsync("default", CancellationToken.None).AsTask().Wait();
        _payload = (byte[])_db.HashGet("bench:{default}", "d")!;
        _db.StringSet("bench:raw", _payload);
        _fields = ["s", "v", "f", "d"];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.Dispose();
        _redis.Dispose();
        _server.Kill();
        _server.WaitForExit();
        _dir.Delete(recursive: true);
    }

    [Benchmark(Baseline = true, Description = "raw StringGetAsync (same payload bytes)")]
    public async Task<RedisValue> RawStringGet() => await _db.StringGetAsync("bench:raw").ConfigureAwait(false);

    [Benchmark(Description = "raw HashGetAsync (the store's 4 fields)")]
    public async Task<RedisValue[]> RawHashGet() => await _db.HashGetAsync("bench:{default}", _fields).ConfigureAwait(false);

    [Benchmark(Description = "RedisTokenStore.GetAsync")]
    public async Task<Session?> StoreRead() => await _store.GetAsync("default", CancellationToken.None).ConfigureAwait(false);

    [Benchmark(Description = "raw StringSetAsync (same payload bytes)")]
    public async Task<bool> RawStringSet() => await _db.StringSetAsync("bench:raw", _payload).ConfigureAwait(false);

    [Benchmark(Description = "RedisTokenStore.TryReplaceAsync (encrypt, Lua CAS)")]
    public async Task<bool> StoreCompareAndSwap()
    {
        var swapped = await _store.TryReplaceAsync("default", _a, _b, CancellationToken.None).ConfigureAwait(false);
        (_a, _b) = (_b, _a);
        return swapped;
    }
}
