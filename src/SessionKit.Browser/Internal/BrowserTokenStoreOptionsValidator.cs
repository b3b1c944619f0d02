// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.Options;

namespace SessionKit.Browser.Internal;

/// <summary>Validates <see cref="BrowserTokenStoreOptions"/> without reflection (trimming-safe).</summary>
internal sealed class BrowserTokenStoreOptionsValidator : IValidateOptions<BrowserTokenStoreOptions>
{
    private static readonly TimeSpan Min = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Max = TimeSpan.FromMinutes(5);

    public ValidateOptionsResult Validate(string? name, BrowserTokenStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Storage))
        {
            failures.Add($"BrowserTokenStoreOptions.Storage must be Local, Session or Memory (was {(int)options.Storage}).");
        }

        if (string.IsNullOrWhiteSpace(options.KeyPrefix))
        {
            failures.Add("BrowserTokenStoreOptions.KeyPrefix must not be empty.");
        }

        if (options.LockTimeout < Min || options.LockTimeout > Max)
        {
            failures.Add($"BrowserTokenStoreOptions.LockTimeout must be between {Min} and {Max} (was {options.LockTimeout}).");
        }

        if (options.LeaseDuration < Min || options.LeaseDuration > Max)
        {
            failures.Add($"BrowserTokenStoreOptions.LeaseDuration must be between {Min} and {Max} (was {options.LeaseDuration}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> when the options are invalid (for the constructor of the store).</summary>
    public static void ThrowIfInvalid(BrowserTokenStoreOptions options)
    {
        var result = new BrowserTokenStoreOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(BrowserTokenStoreOptions), result.Failures);
        }
    }
}
