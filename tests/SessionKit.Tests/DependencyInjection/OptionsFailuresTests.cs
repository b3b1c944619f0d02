// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Options;
using SessionKit.Internal;
using DataAnnotationsRange = System.ComponentModel.DataAnnotations.RangeAttribute;

namespace SessionKit.Tests.DependencyInjection;

/// <summary>
/// The hand-written options rules: inclusive bounds, and word for word the messages of the DataAnnotations attributes (and the
/// options validator generator) they replace, so what users read and match on did not change. DataAnnotations is used here
/// only, as the reference; SessionKit itself no longer references it.
/// </summary>
[TestFixture]
public sealed class OptionsFailuresTests
{
    private static readonly ValueRange<TimeSpan> TenMillisecondsToTenMinutes = new(TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(10));

    /// <summary>Gets every TimeSpan option of SessionKit's public options types.</summary>
    public static IEnumerable<TestCaseData> TimeSpanOptions =>
        typeof(SessionKitOptions).Assembly.GetExportedTypes()
            .Where(t => t.Name.EndsWith("Options", StringComparison.Ordinal))
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            .Where(p => p.CanWrite && (Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType) == typeof(TimeSpan))
            .Select(p => new TestCaseData(p.DeclaringType!, p.Name).SetArgDisplayNames($"{p.DeclaringType!.Name}.{p.Name}"));

    [TestCase("00:00:00.010", true)]
    [TestCase("00:10:00", true)]
    [TestCase("00:05:00", true)]
    [TestCase("00:00:00.009", false)]
    [TestCase("00:10:00.001", false)]
    [TestCase("-00:00:01", false)]
    public void InRange_Value_InsideTheInclusiveBoundsPasses(string value, bool expected)
    {
        var sut = new OptionsFailures(Options.DefaultName, "RefreshOptions");

        sut.InRange("AttemptTimeout", TimeSpan.Parse(value, CultureInfo.InvariantCulture), TenMillisecondsToTenMinutes);

        Assert.That(sut.Result.Succeeded, Is.EqualTo(expected));
    }

    [Test]
    public void InRange_OptionalValueNotSet_Passes()
    {
        var sut = new OptionsFailures(Options.DefaultName, "RefreshOptions");

        sut.InRange("SettleDelay", (TimeSpan?)null, TenMillisecondsToTenMinutes);

        Assert.That(sut.Result.Succeeded, Is.True);
    }

    [TestCase("00:00:00.010", "00:10:00")]
    [TestCase("00:00:01", "1.00:00:00")]
    [TestCase("00:01:00", "3650.00:00:00")]
    public void InRange_TimeSpanOutside_SameMessageAsRangeAttribute(string minimum, string maximum)
    {
        var range = new ValueRange<TimeSpan>(TimeSpan.Parse(minimum, CultureInfo.InvariantCulture), TimeSpan.Parse(maximum, CultureInfo.InvariantCulture));
        var reference = new DataAnnotationsRange(typeof(TimeSpan), minimum, maximum) { ParseLimitsInInvariantCulture = true };
        _ = reference.IsValid(TimeSpan.Zero);   // converts its bounds, as validation does before formatting
        var sut = new OptionsFailures(Options.DefaultName, "SessionKitOptions").Nested("Refresh");

        sut.InRange("AttemptTimeout", TimeSpan.MaxValue, range);

        Assert.That(sut.Result.Failures, Is.EqualTo(new[] { "AttemptTimeout: " + reference.FormatErrorMessage("SessionKitOptions.Refresh.AttemptTimeout") }));
    }

    [Test]
    public void InRange_NumbersOutside_SameMessageAsRangeAttribute()
    {
        var sut = new OptionsFailures("api", "SessionHandlerOptions");

        sut.InRange("MaxRedirects", 0, new ValueRange<int>(1, 1000));
        sut.InRange("CircuitBreakerFailureRatio", 1.5, new ValueRange<double>(0.01, 1.0));

        Assert.That(sut.Result.Failures, Is.EqualTo(new[]
        {
            "MaxRedirects: " + new DataAnnotationsRange(1, 1000).FormatErrorMessage("api.MaxRedirects"),
            "CircuitBreakerFailureRatio: " + new DataAnnotationsRange(0.01, 1.0).FormatErrorMessage("api.CircuitBreakerFailureRatio"),
        }));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    public void Required_StringMissingOrBlank_SameMessageAsRequiredAttribute(string? value)
    {
        var sut = new OptionsFailures(Options.DefaultName, "FileTokenStoreOptions");

        var present = sut.Required("Path", value);

        Assert.Multiple(() =>
        {
            Assert.That(present, Is.False);
            Assert.That(new RequiredAttribute().IsValid(value), Is.False, "the reference rule agrees");
            Assert.That(sut.Result.Failures, Is.EqualTo(new[] { "Path: " + new RequiredAttribute().FormatErrorMessage("FileTokenStoreOptions.Path") }));
        });
    }

    [Test]
    public void Required_OwnMessage_PrefixedWithTheField()
    {
        var sut = new OptionsFailures(Options.DefaultName, "SessionKitOptions").Nested("OAuth2");

        sut.Required("TokenEndpoint", (Uri?)null, "OAuth2 TokenEndpoint is required.");

        Assert.That(sut.Result.Failures, Is.EqualTo(new[] { "TokenEndpoint: OAuth2 TokenEndpoint is required." }));
    }

    [Test]
    public void Length_StringTooLong_SameMessageAsStringLengthAttribute()
    {
        var sut = new OptionsFailures(Options.DefaultName, "RedisTokenStoreOptions");

        sut.Length("KeyPrefix", new string('a', 101), new ValueRange<int>(1, 100));

        Assert.That(sut.Result.Failures, Is.EqualTo(new[] { "KeyPrefix: " + new StringLengthAttribute(100) { MinimumLength = 1 }.FormatErrorMessage("RedisTokenStoreOptions.KeyPrefix") }));
    }

    [TestCaseSource(nameof(TimeSpanOptions))]
    public void Validate_EveryTimeSpanOptionAboveItsRange_FailsNamingTheField(Type type, string property)
    {
        var (owner, validate) = ValidationOf(type);
        type.GetProperty(property)!.SetValue(owner, TimeSpan.MaxValue);

        var result = validate();

        Assert.That(result.Failures, Has.One.Match($@"^{property}: The field [\w.]+\.{property} must be between "));
    }

    [Test]
    public void TimeSpanOptions_All_AreFound()
    {
        Assert.That(TimeSpanOptions.Count(), Is.GreaterThanOrEqualTo(11));
    }

    /// <summary>A valid instance of an options type and the validation SessionKit registers for it.</summary>
    private static (object Owner, Func<ValidateOptionsResult> Validate) ValidationOf(Type type)
    {
        var root = new SessionKitOptions();
        root.UseOAuth2(new Uri("https://login.example.test/connect/token"), "client");
        var sessionKit = new SessionKitOptionsValidator();
        if (type == typeof(RefreshOptions))
        {
            return (root.Refresh, () => sessionKit.Validate(Options.DefaultName, root));
        }

        if (type == typeof(OAuth2Options))
        {
            return (root.OAuth2!, () => sessionKit.Validate(Options.DefaultName, root));
        }

        if (type == typeof(SessionHandlerOptions))
        {
            var handler = new SessionHandlerOptions();
            return (handler, () => new SessionHandlerOptionsValidator(new SessionHandlerRegistry()).Validate("api", handler));
        }

        if (type == typeof(FileTokenStoreOptions))
        {
            var file = new FileTokenStoreOptions();
            return (file, () => new FileTokenStoreOptionsValidator().Validate(Options.DefaultName, file));
        }

        throw new AssertionException($"{type.Name} has TimeSpan options: add its validator here.");
    }
}
