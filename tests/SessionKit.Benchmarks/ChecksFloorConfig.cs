// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace SessionKit.Benchmarks;

/// <summary>
/// The hot path's extra column, "vs checks floor": each row's mean divided by the mean of the last step of the breakdown
/// (<see cref="HotPathBenchmarks.StepResponseCheck"/>, a handler doing just the checks the hot path must do), from the same run.
/// </summary>
public sealed class ChecksFloorConfig : ManualConfig
{
    public ChecksFloorConfig() => AddColumn(new ChecksFloorColumn());

    private sealed class ChecksFloorColumn : IColumn
    {
        public string Id => nameof(ChecksFloorColumn);

        public string ColumnName => "vs checks floor";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Mean divided by the mean of '+ 401/redirect check (checks floor)' in the same run";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var floor = summary.BenchmarksCases.FirstOrDefault(c =>
                c.Descriptor.WorkloadMethod.Name == nameof(HotPathBenchmarks.StepResponseCheck) && c.Job == benchmarkCase.Job);
            var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
            var floorMean = floor is null ? null : summary[floor]?.ResultStatistics?.Mean;
            return mean is { } m && floorMean is { } f && f > 0 ? (m / f).ToString("0.00", CultureInfo.InvariantCulture) : "?";
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
