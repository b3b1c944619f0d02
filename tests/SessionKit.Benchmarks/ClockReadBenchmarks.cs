// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using BenchmarkDotNet.Attributes;

namespace SessionKit.Benchmarks;

/// <summary>
/// What one expiry check's clock read costs: <see cref="TimeProvider.System"/> (what the handler reads now, the coordinator's
/// clock) against the coarse clock it used before (wall clock every 50 ms, extrapolated with <see cref="Environment.TickCount64"/>),
/// kept here as a copy only to measure it.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 12)]
public class ClockReadBenchmarks
{
    private readonly TimeProvider _system = TimeProvider.System;
    private readonly CoarseClockCopy _coarse = new(TimeProvider.System);

    [Benchmark(Baseline = true, Description = "TimeProvider.System.GetUtcNow()")]
    public DateTimeOffset SystemClock() => _system.GetUtcNow();

    [Benchmark(Description = "Coarse clock (removed)")]
    public DateTimeOffset CoarseClock() => _coarse.UtcNow;

    private sealed class CoarseClockCopy(TimeProvider timeProvider)
    {
        private Anchor? _anchor;

        public DateTimeOffset UtcNow
        {
            get
            {
                var ticks = Environment.TickCount64;
                var anchor = Volatile.Read(ref _anchor);
                if (anchor is null || ticks - anchor.Ticks >= 50 || ticks < anchor.Ticks)
                {
                    anchor = new Anchor(ticks, timeProvider.GetUtcNow());
                    Volatile.Write(ref _anchor, anchor);
                    return anchor.UtcNow;
                }

                return anchor.UtcNow.AddMilliseconds(ticks - anchor.Ticks);
            }
        }

        private sealed record Anchor(long Ticks, DateTimeOffset UtcNow);
    }
}
