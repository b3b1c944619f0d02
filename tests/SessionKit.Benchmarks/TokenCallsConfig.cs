// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace SessionKit.Benchmarks;

/// <summary>
/// The herd's job (in process, so the "Token calls" column can read what the benchmarks counted; one invocation per
/// iteration, since each needs a freshly expired token; 9 of them, so one disturbed by other work on a loaded machine moves the
/// median little), the median and its ratio to the baseline's, the "Token calls" column and the "Non-200" column (answers other
/// than 200 in one invocation: the baseline and SessionKit must show 0).
/// </summary>
public sealed class TokenCallsConfig : ManualConfig
{
    public TokenCallsConfig()
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithStrategy(RunStrategy.Monitoring)
            .WithWarmupCount(1)
            .WithIterationCount(9)
            .WithInvocationCount(1)
            .WithUnrollFactor(1));
        AddColumn(StatisticColumn.Median);
        AddColumn(new StatisticRatioColumn("Median ratio", "Median divided by the baseline's median (same run)", null, s => s.Median));
        AddColumn(new MaxPerInvocationColumn("Token calls", "Most token-endpoint calls made by one invocation", HerdBenchmarks.MaxTokenCalls, 0));
        AddColumn(new MaxPerInvocationColumn("Non-200", "Most answers other than 200 OK in one invocation", HerdBenchmarks.MaxFailedRequests, 1));
    }

    private sealed class MaxPerInvocationColumn(string name, string legend, System.Collections.Concurrent.ConcurrentDictionary<string, int> values, int priority) : IColumn
    {
        public string Id => nameof(MaxPerInvocationColumn) + "." + name;

        public string ColumnName => name;

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => priority;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => legend;

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var n = benchmarkCase.Parameters["N"];
            return values.TryGetValue($"{benchmarkCase.Descriptor.WorkloadMethod.Name}/{n}", out var calls) ? calls.ToString(System.Globalization.CultureInfo.InvariantCulture) : "?";
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
