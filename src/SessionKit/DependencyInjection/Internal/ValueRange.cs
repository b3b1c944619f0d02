// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Internal;

/// <summary>
/// The valid values of an option, both ends included. Declared as an internal static field right below the option it bounds,
/// beside the XML docs that state the same range, and checked by the options type's validator (<see cref="OptionsFailures"/>).
/// </summary>
/// <typeparam name="T">The option's type (<see cref="TimeSpan"/>, <see cref="int"/>, <see cref="double"/>).</typeparam>
/// <remarks>Also compiled into SessionKit.Redis (linked source), whose options are bounded the same way.</remarks>
internal readonly struct ValueRange<T>
    where T : struct, IComparable<T>
{
    /// <summary>Initializes a new instance of the <see cref="ValueRange{T}"/> struct.</summary>
    /// <param name="minimum">The smallest valid value.</param>
    /// <param name="maximum">The largest valid value.</param>
    public ValueRange(T minimum, T maximum)
    {
        Minimum = minimum;
        Maximum = maximum;
    }

    /// <summary>Gets the smallest valid value.</summary>
    public T Minimum { get; }

    /// <summary>Gets the largest valid value.</summary>
    public T Maximum { get; }

    /// <summary>Tells whether <paramref name="value"/> lies within the range.</summary>
    /// <param name="value">The value to check.</param>
    /// <returns><see langword="true"/> when <paramref name="value"/> is at least <see cref="Minimum"/> and at most <see cref="Maximum"/>.</returns>
    public bool Contains(T value) => value.CompareTo(Minimum) >= 0 && value.CompareTo(Maximum) <= 0;
}
