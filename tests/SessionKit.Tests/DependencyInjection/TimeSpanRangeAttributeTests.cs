// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.ComponentModel.DataAnnotations;
using System.Reflection;
using DataAnnotationsRange = System.ComponentModel.DataAnnotations.RangeAttribute;
using SessionKit.Internal;

namespace SessionKit.Tests.DependencyInjection;

/// <summary>
/// The trim-safe TimeSpan range rule: inclusive bounds, <see cref="DataAnnotationsRange"/>'s message, and the only TimeSpan range on
/// SessionKit's options (a <c>[Range(typeof(TimeSpan), ...)]</c> would bring back the native-AOT warnings).
/// </summary>
[TestFixture]
public sealed class TimeSpanRangeAttributeTests
{
    [TestCase("00:00:00.010", true)]
    [TestCase("00:10:00", true)]
    [TestCase("00:05:00", true)]
    [TestCase("00:00:00.009", false)]
    [TestCase("00:10:00.001", false)]
    [TestCase("-00:00:01", false)]
    public void IsValid_Value_InsideTheInclusiveBounds(string value, bool expected)
    {
        var sut = new TimeSpanRangeAttribute("00:00:00.010", "00:10:00");

        Assert.That(sut.IsValid(TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture)), Is.EqualTo(expected));
    }

    [Test]
    public void IsValid_NullOrNotATimeSpan_NullPassesOtherTypesFail()
    {
        var sut = new TimeSpanRangeAttribute("00:00:00", "00:01:00");

        Assert.Multiple(() =>
        {
            Assert.That(sut.IsValid(null), Is.True);
            Assert.That(sut.IsValid(30), Is.False);
            Assert.That(sut.IsValid("00:00:30"), Is.False);
        });
    }

    [TestCase("00:00:00.010", "00:10:00")]
    [TestCase("00:00:01", "1.00:00:00")]
    [TestCase("00:01:00", "3650.00:00:00")]
    public void FormatErrorMessage_SameBounds_SameMessageAsRangeAttribute(string minimum, string maximum)
    {
        var sut = new TimeSpanRangeAttribute(minimum, maximum);
        var range = new DataAnnotationsRange(typeof(TimeSpan), minimum, maximum) { ParseLimitsInInvariantCulture = true };
        _ = range.IsValid(TimeSpan.Zero);   // converts its bounds, as validation does before formatting

        Assert.That(sut.FormatErrorMessage("RefreshOptions.AttemptTimeout"), Is.EqualTo(range.FormatErrorMessage("RefreshOptions.AttemptTimeout")));
    }

    [Test]
    public void Constructor_MinimumAboveMaximum_Throws()
    {
        Assert.Throws<ArgumentException>(() => _ = new TimeSpanRangeAttribute("00:01:00", "00:00:01"));
    }

    [Test]
    public void OptionsProperties_EveryTimeSpan_IsRangedByTheTrimSafeAttribute()
    {
        var properties = typeof(SessionKitOptions).Assembly.GetExportedTypes()
            .Where(t => t.Name.EndsWith("Options", StringComparison.Ordinal))
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            .Where(p => (Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType) == typeof(TimeSpan))
            .ToList();

        Assert.That(properties, Has.Count.GreaterThanOrEqualTo(11));
        Assert.Multiple(() =>
        {
            foreach (var property in properties)
            {
                Assert.That(property.GetCustomAttribute<TimeSpanRangeAttribute>(), Is.Not.Null, $"{property.DeclaringType!.Name}.{property.Name}");
                Assert.That(property.GetCustomAttribute<DataAnnotationsRange>(), Is.Null, $"{property.DeclaringType!.Name}.{property.Name}");
            }
        });
    }
}
