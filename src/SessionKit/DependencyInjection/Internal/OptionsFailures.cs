// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Globalization;
using Microsoft.Extensions.Options;

namespace SessionKit.Internal;

/// <summary>
/// The failures one options validator collects, worded as the DataAnnotations attributes and generated validators SessionKit used
/// before (<c>"AttemptTimeout: The field SessionKitOptions.Refresh.AttemptTimeout must be between 00:00:00.0100000 and 00:10:00."</c>,
/// <c>"SessionKey: The api.SessionKey field is required."</c>), so the messages users and tests know stay the same.
/// </summary>
/// <remarks>
/// <para>
/// Plain code instead of DataAnnotations: no reflection (trim- and AOT-safe), and no System.ComponentModel.Annotations, whose
/// <c>ValidationContext</c> reaches <c>TypeDescriptor</c> and with it about 55 KB (Brotli) of System.ComponentModel assemblies
/// in a Blazor WebAssembly app's download.
/// </para>
/// <para>
/// A field is named <c>Type.Field</c> in the default options and <c>name.Field</c> in named ones (as the generator did);
/// <see cref="Nested"/> adds a level (<c>SessionKitOptions.Refresh.AttemptTimeout</c>). Also compiled into SessionKit.Redis (linked source).
/// </para>
/// </remarks>
internal sealed class OptionsFailures
{
    private readonly List<string> _failures;
    private readonly string _path;

    /// <summary>Initializes a new instance of the <see cref="OptionsFailures"/> class for the options being validated.</summary>
    /// <param name="name">The options name given to <see cref="IValidateOptions{TOptions}.Validate"/>.</param>
    /// <param name="typeName">The options type's name, which stands for the default (unnamed) options in messages.</param>
    public OptionsFailures(string? name, string typeName)
        : this([], string.IsNullOrEmpty(name) ? typeName : name)
    {
    }

    private OptionsFailures(List<string> failures, string path)
    {
        _failures = failures;
        _path = path;
    }

    /// <summary>Gets the validation result: success, or every failure collected, in order.</summary>
    public ValidateOptionsResult Result => _failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_failures);

    /// <summary>Returns a collector for a nested options object (<c>Refresh</c> of <c>SessionKitOptions</c>) that adds to the same failures.</summary>
    /// <param name="member">The property that holds the nested object.</param>
    /// <returns>The collector of the nested object.</returns>
    public OptionsFailures Nested(string member) => new(_failures, _path + "." + member);

    /// <summary>Adds a failure worded by the caller (a rule that spans fields).</summary>
    /// <param name="failure">The message.</param>
    public void Add(string failure) => _failures.Add(failure);

    /// <summary>Checks that a string is set and not blank (as <c>[Required]</c>).</summary>
    /// <param name="member">The property name.</param>
    /// <param name="value">The property value.</param>
    /// <param name="message">The message, or <see langword="null"/> for <c>"The Type.Field field is required."</c>.</param>
    /// <returns><see langword="true"/> when the value is there.</returns>
    public bool Required(string member, string? value, string? message = null) =>
        Present(member, !string.IsNullOrWhiteSpace(value), message);

    /// <summary>Checks that a value is set (as <c>[Required]</c>).</summary>
    /// <param name="member">The property name.</param>
    /// <param name="value">The property value.</param>
    /// <param name="message">The message, or <see langword="null"/> for <c>"The Type.Field field is required."</c>.</param>
    /// <returns><see langword="true"/> when the value is there.</returns>
    public bool Required(string member, object? value, string? message = null) => Present(member, value is not null, message);

    /// <summary>Checks that a value lies within its range (as <c>[Range]</c>).</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="member">The property name.</param>
    /// <param name="value">The property value.</param>
    /// <param name="range">The valid values.</param>
    public void InRange<T>(string member, T value, ValueRange<T> range)
        where T : struct, IComparable<T>
    {
        if (!range.Contains(value))
        {
            _failures.Add(string.Format(CultureInfo.CurrentCulture, "{0}: The field {1}.{0} must be between {2} and {3}.", member, _path, range.Minimum, range.Maximum));
        }
    }

    /// <summary>Checks that an optional value, when set, lies within its range (as <c>[Range]</c>, which leaves a missing value alone).</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="member">The property name.</param>
    /// <param name="value">The property value.</param>
    /// <param name="range">The valid values.</param>
    public void InRange<T>(string member, T? value, ValueRange<T> range)
        where T : struct, IComparable<T>
    {
        if (value is { } set)
        {
            InRange(member, set, range);
        }
    }

    /// <summary>Checks the length of a string (as <c>[StringLength(maximum, MinimumLength = minimum)]</c>).</summary>
    /// <param name="member">The property name.</param>
    /// <param name="value">The property value; <see langword="null"/> passes (it is <see cref="Required(string, string, string)"/>'s business).</param>
    /// <param name="range">The valid lengths.</param>
    public void Length(string member, string? value, ValueRange<int> range)
    {
        if (value is not null && !range.Contains(value.Length))
        {
            _failures.Add(string.Format(
                CultureInfo.CurrentCulture,
                "{0}: The field {1}.{0} must be a string with a minimum length of {2} and a maximum length of {3}.",
                member,
                _path,
                range.Minimum,
                range.Maximum));
        }
    }

    private bool Present(string member, bool present, string? message)
    {
        if (!present)
        {
            _failures.Add(member + ": " + (message ?? $"The {_path}.{member} field is required."));
        }

        return present;
    }
}
