// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SessionKit;
using SessionKit.AspNetCore;
using SessionKit.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers SessionKit's ASP.NET Core services.</summary>
public static class SessionKitAspNetCoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="SignedInUserSessions"/> (the sessions of signed-in users, keyed by user) and the
    /// <see cref="IHttpContextAccessor"/>. Session keys built from users are hashed in every SessionKit log (see
    /// <see cref="SessionKitOptions.LogSessionKeys"/>).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The service collection, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    /// <remarks>
    /// Requires <c>AddSessionKit</c>. The sessions live in whatever <see cref="ITokenStore"/> is registered: the in-memory
    /// default for one instance, a shared store (Redis) for several. Safe to call more than once.
    /// </remarks>
    public static IServiceCollection AddSessionKitAspNetCore(this IServiceCollection services, Action<SignedInUserSessionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<SignedInUserSessionOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddHttpContextAccessor();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp =>
        {
            var refresher = sp.GetRequiredService<ITokenRefresher>();
            return new SignedInUserSessions(
                sp.GetRequiredService<SessionClient>(),
                sp.GetRequiredService<RefreshCoordinator>().Store,
                refresher as IPasswordSignInClient,
                sp.GetRequiredService<IHttpContextAccessor>(),
                sp.GetRequiredService<IOptions<SignedInUserSessionOptions>>(),
                sp.GetRequiredService<TimeProvider>(),
                SessionKeyLogging.Create<SignedInUserSessions>(sp));
        });
        return services;
    }
}
