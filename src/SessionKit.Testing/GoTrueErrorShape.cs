// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Testing;

/// <summary>The error body shapes of GoTrue (spec section 4.1).</summary>
public enum GoTrueErrorShape
{
    /// <summary>Like a current server: the 2024-01-01 shape <c>{"code","message"}</c> when the request sends <c>X-Supabase-Api-Version</c> ≥ 2024-01-01, else the legacy shape <c>{"code":400,"error_code","msg"}</c>.</summary>
    ByApiVersion = 0,

    /// <summary>Always the legacy shape, whatever the request sends.</summary>
    Legacy = 1,

    /// <summary>Like a server older than 2.164: every refresh rejection as OAuth <c>{"error":"invalid_grant","error_description"}</c>.</summary>
    OAuth = 2,
}
