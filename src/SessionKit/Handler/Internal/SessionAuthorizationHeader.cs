// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Net.Http.Headers;

namespace SessionKit.Internal;

/// <summary>
/// The <c>Authorization: Bearer</c> value SessionKit attaches, as its own type so <see cref="SessionHandler"/> can tell its own
/// header (a request sent again by an outer retry) from one the caller set (which it leaves alone).
/// </summary>
internal sealed class SessionAuthorizationHeader : AuthenticationHeaderValue
{
    public SessionAuthorizationHeader(string accessToken)
        : base("Bearer", accessToken)
    {
    }
}
