// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.Options;

namespace SessionKit.Internal;

/// <summary>Field rules of <see cref="SessionKitOptions"/> (DataAnnotations, source-generated).</summary>
[OptionsValidator]
internal sealed partial class SessionKitOptionsValidator : IValidateOptions<SessionKitOptions>
{
}
