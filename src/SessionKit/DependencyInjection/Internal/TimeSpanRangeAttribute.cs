// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace SessionKit.Internal;

/// <summary>
/// <c>[Range(typeof(TimeSpan), minimum, maximum)]</c> without reflection: the bounds are parsed once, in the invariant culture,
/// and compared as <see cref="TimeSpan"/>s, with the same message as <see cref="RangeAttribute"/>. <see cref="RangeAttribute"/>'s
/// <see cref="Type"/> constructor requires unreferenced code (it may look up a <c>TypeConverter</c>), which the trimmer can be told
/// to ignore but native AOT reports at every use; this one is trim- and AOT-safe, and the options validator source generator
/// copies it into the generated validators as it is.
/// </summary>
/// <remarks>Also compiled into SessionKit.Redis (linked source), whose options need the same rule.</remarks>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter, AllowMultiple = false)]
internal sealed class TimeSpanRangeAttribute : ValidationAttribute
{
    /// <summary>Initializes a new instance of the <see cref="TimeSpanRangeAttribute"/> class.</summary>
    /// <param name="minimum">The smallest valid value, in the invariant "c" format, for example <c>"00:00:00.010"</c>.</param>
    /// <param name="maximum">The largest valid value, for example <c>"1.00:00:00"</c>.</param>
    /// <exception cref="FormatException">A bound is not a <see cref="TimeSpan"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="minimum"/> is greater than <paramref name="maximum"/>.</exception>
    public TimeSpanRangeAttribute(string minimum, string maximum)
        : base("The field {0} must be between {1} and {2}.")
    {
        Minimum = TimeSpan.Parse(minimum, CultureInfo.InvariantCulture);
        Maximum = TimeSpan.Parse(maximum, CultureInfo.InvariantCulture);
        if (Minimum > Maximum)
        {
            throw new ArgumentException($"The minimum {minimum} is greater than the maximum {maximum}.", nameof(minimum));
        }
    }

    /// <summary>Gets the smallest valid value.</summary>
    public TimeSpan Minimum { get; }

    /// <summary>Gets the largest valid value.</summary>
    public TimeSpan Maximum { get; }

    /// <inheritdoc/>
    public override bool IsValid(object? value) => value switch
    {
        null => true,   // as RangeAttribute: a missing value is [Required]'s business
        TimeSpan span => span >= Minimum && span <= Maximum,
        _ => false,
    };

    /// <inheritdoc/>
    public override string FormatErrorMessage(string name) =>
        string.Format(CultureInfo.CurrentCulture, ErrorMessageString, name, Minimum, Maximum);
}
