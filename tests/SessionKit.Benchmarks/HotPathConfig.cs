// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Mathematics;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
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
        AddColumn(new RatioColumn("Min ratio", "Min divided by the baseline's min (same run)", null, s => s.Min));
        AddColumn(new RatioColumn("Min vs checks floor", "Min divided by the min of '+ 401/redirect check (checks floor)' (same run)", nameof(HotPathBenchmarks.StepResponseCheck), s => s.Min));
        AddColumn(new RatioColumn("Mean vs checks floor", "Mean divided by the mean of '+ 401/redirect check (checks floor)' (same run)", nameof(HotPathBenchmarks.StepResponseCheck), s => s.Mean));
    }

    /// <summary>A statistic of a row divided by the same statistic of another row of the same job: the baseline, or a named method.</summary>
    private sealed class RatioColumn(string name, string legend, string? targetMethod, Func<Statistics, double> statistic) : IColumn
    {
        public string Id => nameof(RatioColumn) + "." + name;

        public string ColumnName => name;

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => legend;

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var target = summary.BenchmarksCases.FirstOrDefault(c => c.Job == benchmarkCase.Job
                && (targetMethod is null ? c.Descriptor.Baseline : c.Descriptor.WorkloadMethod.Name == targetMethod));
            var value = summary[benchmarkCase]?.ResultStatistics is { } s ? statistic(s) : (double?)null;
            var targetValue = target is not null && summary[target]?.ResultStatistics is { } t ? statistic(t) : (double?)null;
            return value is { } v && targetValue is { } f && f > 0 ? (v / f).ToString("0.00", CultureInfo.InvariantCulture) : "?";
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
