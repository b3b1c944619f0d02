// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.Options;

namespace SessionKit.Internal;

/// <summary>Field rules of <see cref="FileTokenStoreOptions"/> (DataAnnotations, source-generated: no reflection, trim- and AOT-safe).</summary>
[OptionsValidator]
internal sealed partial class FileTokenStoreOptionsValidator : IValidateOptions<FileTokenStoreOptions>
{
}
