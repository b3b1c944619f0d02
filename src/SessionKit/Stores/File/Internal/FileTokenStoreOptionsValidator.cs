// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.Options;

namespace SessionKit.Internal;

/// <summary>The rules of <see cref="FileTokenStoreOptions"/>; the ranges are declared beside the properties they bound.</summary>
internal sealed class FileTokenStoreOptionsValidator : IValidateOptions<FileTokenStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, FileTokenStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new OptionsFailures(name, nameof(FileTokenStoreOptions));
        failures.Required(nameof(options.Path), options.Path);
        failures.InRange(nameof(options.LockTimeout), options.LockTimeout, FileTokenStoreOptions.LockTimeoutRange);
        return failures.Result;
    }
}
