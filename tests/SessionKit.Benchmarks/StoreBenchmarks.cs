// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;

namespace SessionKit.Benchmarks;

/// <summary>Read and compare-and-swap latency of the in-memory store, against a bare <see cref="ConcurrentDictionary{TKey, TValue}"/> read.</summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class StoreBenchmarks
{
    private readonly ConcurrentDictionary<string, Session> _dictionary = new(StringComparer.Ordinal);
    private readonly InMemoryTokenStore _store = new();
    private Session _a = null!;
    private Session _b = null!;

    [GlobalSetup]
    public void Setup()
    {
        _a = new Session { AccessToken = Fixtures.NewAccessToken(), RefreshToken = "a", ExpiresAt = DateTimeOffset.UtcNow.AddDays(1), Version = 1 };
        _b = new Session { AccessToken = Fixtures.NewAccessToken(), RefreshToken = "b", ExpiresAt = DateTimeOffset.UtcNow.AddDays(1), Version = 2 };
        _dictionary["default"] = _a;
        _store.SetAsync("default", _a, CancellationToken.None).AsTask().Wait();
    }

    [Benchmark(Baseline = true, Description = "ConcurrentDictionary read (floor)")]
    public Session? DictionaryRead() => _dictionary.TryGetValue("default", out var s) ? s : null;

    [Benchmark(Description = "InMemoryTokenStore.GetAsync")]
    public Session? StoreRead() => _store.GetAsync("default", CancellationToken.None).Result;

    [Benchmark(Description = "InMemoryTokenStore.TryReplaceAsync (swap and back)")]
    public bool StoreCompareAndSwap()
    {
        var first = _store.TryReplaceAsync("default", _a, _b, CancellationToken.None).Result;
        var second = _store.TryReplaceAsync("default", _b, _a, CancellationToken.None).Result;
        return first & second;
    }
}
