// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using BenchmarkDotNet.Attributes;

namespace SessionKit.Benchmarks;

/// <summary>
/// Read and compare-and-swap latency of the file store against the in-memory store (baseline). A read checks the file's
/// timestamp and size and serves the parsed file from memory; a swap takes the OS lock, encrypts, writes, fsyncs and renames.
/// </summary>
[MemoryDiagnoser(displayGenColumns: false)]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class FileStoreBenchmarks
{
    private readonly InMemoryTokenStore _memory = new();
    private DirectoryInfo _dir = null!;
    private FileTokenStore _file = null!;
    private Session _a = null!;
    private Session _b = null!;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Directory.CreateTempSubdirectory("sessionkit-bench-");
        _file = new FileTokenStore(new FileTokenStoreOptions { Path = Path.Combine(_dir.FullName, "sessions.dat") });
        _a = new Session { AccessToken = Fixtures.NewAccessToken(), RefreshToken = "a", ExpiresAt = DateTimeOffset.UtcNow.AddDays(1), Version = 1 };
        _b = new Session { AccessToken = Fixtures.NewAccessToken(), RefreshToken = "b", ExpiresAt = DateTimeOffset.UtcNow.AddDays(1), Version = 2 };
        _memory.SetAsync("default", _a, CancellationToken.None).AsTask().Wait();
        _file.SetAsync("default", _a, CancellationToken.None).AsTask().Wait();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _file.Dispose();
        _dir.Delete(recursive: true);
    }

    [Benchmark(Baseline = true, Description = "InMemoryTokenStore.GetAsync")]
    public Session? MemoryRead() => _memory.GetAsync("default", CancellationToken.None).Result;

    [Benchmark(Description = "FileTokenStore.GetAsync (unchanged file)")]
    public Session? FileRead() => _file.GetAsync("default", CancellationToken.None).Result;

    [Benchmark(Description = "FileTokenStore.TryReplaceAsync (lock, encrypt, fsync, rename)")]
    public async Task<bool> FileCompareAndSwap()
    {
        var swapped = await _file.TryReplaceAsync("default", _a, _b, CancellationToken.None).ConfigureAwait(false);
        (_a, _b) = (_b, _a);
        return swapped;
    }
}
