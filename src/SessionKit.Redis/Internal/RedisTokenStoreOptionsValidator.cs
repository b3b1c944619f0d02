// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.Options;
using SessionKit.Internal;

namespace SessionKit.Redis.Internal;

/// <summary>Every rule of <see cref="RedisTokenStoreOptions"/>; the ranges are declared beside the properties they bound.</summary>
internal sealed class RedisTokenStoreOptionsValidator : IValidateOptions<RedisTokenStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisTokenStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new OptionsFailures(name, nameof(RedisTokenStoreOptions));
        if (failures.Required(nameof(options.KeyPrefix), options.KeyPrefix))
        {
            failures.Length(nameof(options.KeyPrefix), options.KeyPrefix, RedisTokenStoreOptions.KeyPrefixLength);
            if (options.KeyPrefix.AsSpan().IndexOfAny('{', '}') >= 0)
            {
                // The session key is wrapped in a Redis Cluster hash tag ({key}): a brace in the prefix would change the slot.
                failures.Add("KeyPrefix: The field KeyPrefix must not contain '{' or '}'.");
            }
        }

        failures.InRange(nameof(options.EntryLifetime), options.EntryLifetime, RedisTokenStoreOptions.EntryLifetimeRange);
        failures.InRange(nameof(options.EndLifetime), options.EndLifetime, RedisTokenStoreOptions.EndLifetimeRange);
        failures.InRange(nameof(options.LockLease), options.LockLease, RedisTokenStoreOptions.LockLeaseRange);
        failures.InRange(nameof(options.LockWaitTimeout), options.LockWaitTimeout, RedisTokenStoreOptions.LockWaitTimeoutRange);
        failures.InRange(nameof(options.OperationTimeout), options.OperationTimeout, RedisTokenStoreOptions.OperationTimeoutRange);
        failures.InRange(nameof(options.ConnectTimeout), options.ConnectTimeout, RedisTokenStoreOptions.ConnectTimeoutRange);
        failures.InRange(nameof(options.WriteRetryTimeout), options.WriteRetryTimeout, RedisTokenStoreOptions.WriteRetryTimeoutRange);
        failures.InRange(nameof(options.Database), options.Database, RedisTokenStoreOptions.DatabaseRange);

        if (options.Configuration is not null && string.IsNullOrWhiteSpace(options.Configuration))
        {
            failures.Add("The field Configuration must be null or a StackExchange.Redis configuration string, not blank.");
        }
        else if (options.Configuration is not null && options.LockLease <= options.OperationTimeout)
        {
            failures.Add(
                $"The field LockLease ({options.LockLease}) must be longer than OperationTimeout ({options.OperationTimeout}): a renewal that takes a whole operation timeout must not outlive the lease.");
        }

        return failures.Result;
    }
}
