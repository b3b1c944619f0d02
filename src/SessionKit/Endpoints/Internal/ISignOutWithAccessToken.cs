// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Internal;

/// <summary>
/// Marks an <see cref="ISignOutClient"/> whose server-side sign-out authenticates with the access token (GoTrue <c>/logout</c>):
/// an expired access token is refreshed first, or the server would refuse the sign-out and leave its session alive.
/// </summary>
internal interface ISignOutWithAccessToken
{
}
