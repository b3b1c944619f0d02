// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Mathematics;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace SessionKit.Benchmarks;

/// <summary>
/// A statistic of a row (its minimum, median, mean) divided by the same statistic of another row with the same job and
/// parameters, from the same run: the baseline, or the row of a named method.
/// </summary>
internal sealed class StatisticRatioColumn(string name, string legend, string? targetMethod, Func<Statistics, double> statistic) : IColumn
{
    public string Id => nameof(StatisticRatioColumn) + "." + name;

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
            && c.Parameters.DisplayInfo == benchmarkCase.Parameters.DisplayInfo
            && (targetMethod is null ? c.Descriptor.Baseline : c.Descriptor.WorkloadMethod.Name == targetMethod));
        var value = summary[benchmarkCase]?.ResultStatistics is { } s ? statistic(s) : (double?)null;
        var targetValue = target is not null && summary[target]?.ResultStatistics is { } t ? statistic(t) : (double?)null;
        return value is { } v && targetValue is { } f && f > 0 ? (v / f).ToString("0.00", CultureInfo.InvariantCulture) : "?";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
