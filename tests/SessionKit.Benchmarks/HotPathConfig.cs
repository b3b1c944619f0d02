// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Perfolizer.Horology;

namespace SessionKit.Benchmarks;

/// <summary>
/// The hot path's job and columns. Built for a loaded machine: many short iterations (10 ms, 300 of them), so some run while
/// nothing else holds the core, and ratios of the fastest iterations ("min ratio", "min vs checks floor") beside
/// BenchmarkDotNet's own ratio of means. Other processes only ever add time to an iteration, so the minimum is the steadiest
/// estimate of what a request costs; the means show how much the load added. BenchmarkDotNet warns that the iterations are
/// shorter than the 100 ms it recommends: on purpose, since a 100 ms iteration on a loaded machine is rarely left alone.
/// </summary>
public sealed class HotPathConfig : ManualConfig
{
    public HotPathConfig()
    {
        AddJob(Job.Default
            .WithWarmupCount(20)
            .WithIterationTime(TimeInterval.FromMilliseconds(10))
            .WithIterationCount(300));
        AddColumn(StatisticColumn.Min, StatisticColumn.Median);
        AddColumn(new StatisticRatioColumn("Min ratio", "Min divided by the baseline's min (same run)", null, s => s.Min));
        AddColumn(new StatisticRatioColumn("Min vs checks floor", "Min divided by the min of '+ 401/redirect check (checks floor)' (same run)", nameof(HotPathBenchmarks.StepResponseCheck), s => s.Min));
        AddColumn(new StatisticRatioColumn("Mean vs checks floor", "Mean divided by the mean of '+ 401/redirect check (checks floor)' (same run)", nameof(HotPathBenchmarks.StepResponseCheck), s => s.Mean));
    }
}
