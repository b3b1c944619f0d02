// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using SessionKit.Testing;

namespace SessionKit.Tests.OAuth2;

/// <summary>The four OAuth 2.0 servers the flow tests run against: the double and OpenIddict, each strict and with a leeway.</summary>
internal static class OAuth2Targets
{
    public const string DoubleStrict = "double-strict";
    public const string DoubleLeeway = "double-leeway";
    public const string OpenIddictStrict = "openiddict-strict";
    public const string OpenIddictLeeway = "openiddict-leeway";

    public static readonly string[] All = [DoubleStrict, DoubleLeeway, OpenIddictStrict, OpenIddictLeeway];

    public static readonly string[] Strict = [DoubleStrict, OpenIddictStrict];

    public static readonly string[] WithLeeway = [DoubleLeeway, OpenIddictLeeway];

    public static async Task<IOAuth2Target> StartAsync(string kind) => kind switch
    {
        DoubleStrict => await DoubleTarget.StartAsync(new OAuth2TestServerOptions { ReuseMode = OAuth2ReuseMode.Strict, IssueIdToken = true }),
        DoubleLeeway => await DoubleTarget.StartAsync(new OAuth2TestServerOptions { ReuseMode = OAuth2ReuseMode.Leeway, IssueIdToken = true }),
        OpenIddictStrict => await OpenIddictTestHost.StartAsync(strict: true),
        OpenIddictLeeway => await OpenIddictTestHost.StartAsync(strict: false),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown target"),
    };
}
