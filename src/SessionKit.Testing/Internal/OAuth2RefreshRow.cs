// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Testing.Internal;

/// <summary>A refresh token an <see cref="OAuth2TestServer"/> issued: single use, then redeemed.</summary>
internal sealed class OAuth2RefreshRow
{
    public required string Token { get; init; }

    public required OAuth2Grant Grant { get; init; }

    public required DateTimeOffset IssuedAt { get; init; }

    /// <summary>Gets or sets when the token was first redeemed; <see langword="null"/> while unused.</summary>
    public DateTimeOffset? RedeemedAt { get; set; }
}
