// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.Options;

namespace SessionKit.Redis.Internal;

/// <summary>Rules of <see cref="RedisTokenStoreOptions"/> that span fields.</summary>
internal sealed class RedisTokenStoreOptionsRulesValidator : IValidateOptions<RedisTokenStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisTokenStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Configuration is not null && string.IsNullOrWhiteSpace(options.Configuration))
        {
            return ValidateOptionsResult.Fail("The field Configuration must be null or a StackExchange.Redis configuration string, not blank.");
        }

        if (options.Configuration is not null && options.LockLease <= options.OperationTimeout)
        {
            return ValidateOptionsResult.Fail(
                $"The field LockLease ({options.LockLease}) must be longer than OperationTimeout ({options.OperationTimeout}): a renewal that takes a whole operation timeout must not outlive the lease.");
        }

        return ValidateOptionsResult.Success;
    }
}
