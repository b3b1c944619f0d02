// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Testing;

/// <summary>The kinds of <see cref="TokenEndpointFault"/>.</summary>
public enum TokenEndpointFaultKind
{
    /// <summary>An error status with a JSON body; nothing rotated.</summary>
    Status = 0,

    /// <summary>An HTML error page; nothing rotated.</summary>
    GatewayHtml = 1,

    /// <summary>Rotated, then truncated JSON.</summary>
    TruncatedJson = 2,

    /// <summary>Rotated, then a 200 that is not JSON.</summary>
    NonJsonSuccess = 3,

    /// <summary>Rotated, then a huge body.</summary>
    HugeBody = 4,

    /// <summary>Rotated, then a 200 without <c>access_token</c>.</summary>
    MissingFields = 5,

    /// <summary>Rotated, then a 200 with wrong-typed fields.</summary>
    WrongTypes = 6,

    /// <summary>Rotated, then a 200 whose access token is not a JWT.</summary>
    MalformedAccessToken = 7,

    /// <summary>Rotated, then the connection dropped.</summary>
    DropConnectionAfterRotating = 8,

    /// <summary>A delay before normal processing.</summary>
    Delay = 9,

    /// <summary>Rotated, then a delay before the answer.</summary>
    DelayAfterRotating = 10,
}
