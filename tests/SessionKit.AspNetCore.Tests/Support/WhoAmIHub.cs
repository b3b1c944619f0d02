// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.AspNetCore.SignalR;

namespace SessionKit.AspNetCore.Tests.Support;

/// <summary>A hub that answers with the user whose access token opened the connection.</summary>
internal sealed class WhoAmIHub : Hub
{
    public const string UserItem = "user";

    public string WhoAmI() => (string)Context.GetHttpContext()!.Items[UserItem]!;
}
