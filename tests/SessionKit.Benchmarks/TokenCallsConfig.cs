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
/// iteration, since each needs a freshly expired token) and the "Token calls" column.
/// </summary>
public sealed class TokenCallsConfig : ManualConfig
{
    public TokenCallsConfig()
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithStrategy(RunStrategy.Monitoring)
            .WithWarmupCount(1)
            .WithIterationCount(5)
            .WithInvocationCount(1)
            .WithUnrollFactor(1));
        AddColumn(new TokenCallsColumn());
    }

    private sealed class TokenCallsColumn : IColumn
    {
        public string Id => nameof(TokenCallsColumn);

        public string ColumnName => "Token calls";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Most token-endpoint calls made by one invocation";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var n = benchmarkCase.Parameters["N"];
            return HerdBenchmarks.MaxTokenCalls.TryGetValue($"{benchmarkCase.Descriptor.WorkloadMethod.Name}/{n}", out var calls) ? calls.ToString(System.Globalization.CultureInfo.InvariantCulture) : "?";
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
