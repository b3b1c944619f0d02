// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using SessionKit.AspNetCore;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chains the ASP.NET Core integration on the builder returned by <c>AddSessionKit</c>.</summary>
public static class SessionKitBuilderAspNetCoreExtensions
{
    /// <summary>Adds the signed-in users' sessions; see <see cref="SessionKitAspNetCoreServiceCollectionExtensions.AddSessionKitAspNetCore"/>.</summary>
    /// <param name="builder">The builder returned by <c>AddSessionKit</c>.</param>
    /// <param name="configure">Configures the options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static SessionKitBuilder AddAspNetCore(this SessionKitBuilder builder, Action<SignedInUserSessionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSessionKitAspNetCore(configure);
        return builder;
    }
}
