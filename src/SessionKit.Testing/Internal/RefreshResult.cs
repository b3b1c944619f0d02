// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Testing.Internal;

/// <summary>The server's decision on one grant: a token to issue, or an error.</summary>
internal readonly record struct RefreshResult(RefreshTokenRow? Issued, int Status, string? ErrorCode, string? Message)
{
    public static RefreshResult Issue(RefreshTokenRow row) => new(row, 200, null, null);

    public static RefreshResult Error(string code, string message, int status = 400) => new(null, status, code, message);
}
