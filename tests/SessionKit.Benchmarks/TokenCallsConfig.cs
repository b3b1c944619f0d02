// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace SessionKit.Benchmarks;

/// <summary>Adds the "Token calls" column: the most token-endpoint calls one invocation made (in-process runs only).</summary>
public sealed class TokenCallsConfig : ManualConfig
{
    public TokenCallsConfig() => AddColumn(new TokenCallsColumn());

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
