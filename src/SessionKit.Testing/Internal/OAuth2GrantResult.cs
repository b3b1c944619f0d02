// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Testing.Internal;

/// <summary>What a grant at an <see cref="OAuth2TestServer"/> came to: tokens, or an <c>invalid_grant</c> with its description.</summary>
internal readonly record struct OAuth2GrantResult(OAuth2Issue? Issued, string? ErrorDescription, bool ReuseDetected = false, bool GrantRevoked = false)
{
    public static OAuth2GrantResult Invalid(string description, bool reuseDetected = false, bool grantRevoked = false) =>
        new(null, description, reuseDetected, grantRevoked);
}
