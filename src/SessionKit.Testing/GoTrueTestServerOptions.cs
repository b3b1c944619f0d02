// Copyright (c) SessionKit contributors. Licensed under the MIT License.

namespace SessionKit.Testing;

/// <summary>Configuration of a <see cref="GoTrueTestServer"/>, named after the GoTrue settings they mirror.</summary>
public sealed class GoTrueTestServerOptions
{
    /// <summary>Gets or sets the access-token lifetime (<c>JWT_EXP</c>), and so <c>expires_in</c>.</summary>
    /// <value>Defaults to one hour. The JWT <c>exp</c> and <c>expires_at</c> are rounded up to the whole second.</value>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets the reuse interval (<c>SECURITY_REFRESH_TOKEN_REUSE_INTERVAL</c>) in which an already-used token is still accepted.</summary>
    /// <value>Defaults to 10 seconds, as on hosted projects.</value>
    public TimeSpan ReuseInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets a value indicating whether detected reuse revokes every token of the session (<c>SECURITY_REFRESH_TOKEN_ROTATION_ENABLED</c>).</summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool RevokeFamilyOnReuse { get; set; } = true;

    /// <summary>Gets or sets the inactivity timeout (<c>SESSIONS_INACTIVITY_TIMEOUT</c>).</summary>
    /// <value>Defaults to <see langword="null"/> (no limit).</value>
    public TimeSpan? InactivityTimeout { get; set; }

    /// <summary>Gets or sets the session timebox (<c>SESSIONS_TIMEBOX</c>), measured from sign-in.</summary>
    /// <value>Defaults to <see langword="null"/> (no limit).</value>
    public TimeSpan? SessionTimebox { get; set; }

    /// <summary>Gets or sets the API key the server requires in the <c>apikey</c> header, as the hosted gateway does.</summary>
    /// <value>Defaults to <see langword="null"/> (no key required).</value>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets which error body shape the server sends.</summary>
    /// <value>Defaults to <see cref="GoTrueErrorShape.ByApiVersion"/>.</value>
    public GoTrueErrorShape ErrorShape { get; set; } = GoTrueErrorShape.ByApiVersion;

    /// <summary>Gets or sets the server's clock (token issue and expiry, reuse interval, session limits).</summary>
    /// <value>Defaults to <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
