// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.Options;

namespace SessionKit.Redis.Internal;

/// <summary>Field rules of <see cref="RedisTokenStoreOptions"/> (DataAnnotations, source-generated).</summary>
[OptionsValidator]
internal sealed partial class RedisTokenStoreOptionsValidator : IValidateOptions<RedisTokenStoreOptions>
{
}
