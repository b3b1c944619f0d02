// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace SessionKit.Testing.Internal;

/// <summary>
/// Users, grants (token families), refresh and access tokens of an <see cref="OAuth2TestServer"/>, with its reuse rules:
/// a refresh token is single use; a second use revokes the grant at once (<see cref="OAuth2ReuseMode.Strict"/>) or, within
/// the leeway, yields a new branch (<see cref="OAuth2ReuseMode.Leeway"/>). One lock serialises every grant.
/// </summary>
internal sealed class OAuth2State
{
    public const string Unknown = "The specified refresh token is invalid.";
    public const string AlreadyRedeemed = "The specified refresh token has already been redeemed.";
    public const string NoLongerValid = "The specified refresh token is no longer valid.";
    public const string Expired = "The specified refresh token has expired.";
    public const string BadCredentials = "The username/password couple is invalid.";

    private readonly object _gate = new();
    private readonly Dictionary<string, TestUser> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OAuth2Grant> _grants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OAuth2RefreshRow> _refresh = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OAuth2AccessRow> _access = new(StringComparer.Ordinal);
    private readonly OAuth2TestServerOptions _options;

    public OAuth2State(OAuth2TestServerOptions options)
    {
        _options = options;
    }

    public string AddUser(string userName, string password)
    {
        lock (_gate)
        {
            if (_users.TryGetValue(userName, out var existing))
            {
                return existing.Id;
            }

            var user = new TestUser { Id = Guid.NewGuid().ToString(), Email = userName, Password = password };
            _users[userName] = user;
            return user.Id;
        }
    }

    public OAuth2GrantResult SignIn(string? userName, string? password, string? scope, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (userName is null || password is null || !_users.TryGetValue(userName, out var user)
                || !CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(user.Password), System.Text.Encoding.UTF8.GetBytes(password)))
            {
                return OAuth2GrantResult.Invalid(BadCredentials);
            }

            var grant = new OAuth2Grant { Id = NewToken("grant_"), User = user, Scope = scope };
            _grants[grant.Id] = grant;
            return new OAuth2GrantResult(Issue(grant, now), null);
        }
    }

    public OAuth2GrantResult Refresh(string refreshToken, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (!_refresh.TryGetValue(refreshToken, out var row))
            {
                return OAuth2GrantResult.Invalid(Unknown);
            }

            var grant = row.Grant;
            if (grant.Revoked)
            {
                return OAuth2GrantResult.Invalid(NoLongerValid);
            }

            if (_options.RefreshTokenLifetime is { } lifetime && now >= row.IssuedAt + lifetime)
            {
                return OAuth2GrantResult.Invalid(Expired);
            }

            if (row.RedeemedAt is { } redeemedAt)
            {
                if (_options.ReuseMode == OAuth2ReuseMode.Leeway && now < redeemedAt + _options.ReuseLeeway)
                {
                    // Within the leeway: a new branch of the same grant (OpenIddict's behaviour); earlier branches stay valid.
                    return new OAuth2GrantResult(Issue(grant, now), null, ReuseDetected: true);
                }

                RevokeLocked(grant);
                return OAuth2GrantResult.Invalid(AlreadyRedeemed, reuseDetected: true, grantRevoked: true);
            }

            row.RedeemedAt = now;
            return new OAuth2GrantResult(Issue(grant, now), null);
        }
    }

    /// <summary>RFC 7009: a refresh token revokes its grant; an access token only itself. Unknown tokens are ignored.</summary>
    /// <returns><see langword="true"/> when a live grant was revoked.</returns>
    public bool Revoke(string token, string? hint)
    {
        lock (_gate)
        {
            if (hint != "access_token" && _refresh.TryGetValue(token, out var refresh))
            {
                return RevokeLocked(refresh.Grant);
            }

            if (_access.TryGetValue(token, out var access))
            {
                access.Revoked = true;
                return false;
            }

            // A wrong hint is only a hint (RFC 7009 §2.1): look further.
            if (_refresh.TryGetValue(token, out refresh))
            {
                return RevokeLocked(refresh.Grant);
            }

            return false;
        }
    }

    public bool RevokeGrant(string grantId)
    {
        lock (_gate)
        {
            return _grants.TryGetValue(grantId, out var grant) && RevokeLocked(grant);
        }
    }

    public bool? IsGrantRevoked(string grantId)
    {
        lock (_gate)
        {
            return _grants.TryGetValue(grantId, out var grant) ? grant.Revoked : null;
        }
    }

    /// <summary>Returns the access token's grant when it is live at <paramref name="now"/>, else why not.</summary>
    public (OAuth2Grant? Grant, string? Problem) ValidateAccessToken(string token, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (!_access.TryGetValue(token, out var row))
            {
                return (null, "The specified token is invalid.");
            }

            if (row.Revoked || row.Grant.Revoked)
            {
                return (null, "The specified token is no longer valid.");
            }

            return now >= row.ExpiresAt ? (null, "The specified token is no longer valid (expired).") : (row.Grant, null);
        }
    }

    private static string NewToken(string prefix) => prefix + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));

    private OAuth2Issue Issue(OAuth2Grant grant, DateTimeOffset now)
    {
        var access = new OAuth2AccessRow { Token = NewToken("at_"), Grant = grant, ExpiresAt = now + _options.AccessTokenLifetime };
        var refresh = new OAuth2RefreshRow { Token = NewToken("rt_"), Grant = grant, IssuedAt = now };
        _access[access.Token] = access;
        _refresh[refresh.Token] = refresh;
        return new OAuth2Issue(access, refresh);
    }

    private static bool RevokeLocked(OAuth2Grant grant)
    {
        if (grant.Revoked)
        {
            return false;
        }

        // The grant's flag revokes every refresh and access token it issued, a fresh access token included.
        grant.Revoked = true;
        return true;
    }
}
