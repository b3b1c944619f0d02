// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionKit;
using SessionKit.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the <see cref="SessionHandler"/> to an <see cref="HttpClient"/> pipeline.</summary>
public static class SessionKitHttpClientBuilderExtensions
{
    /// <summary>
    /// Adds a <see cref="SessionHandler"/> to the client: the session's access token is attached to requests for the client's
    /// <see cref="HttpClient.BaseAddress"/> origin (and <see cref="SessionHandlerOptions.AllowedOrigins"/>), refreshed ahead of
    /// expiry and after a 401.
    /// </summary>
    /// <param name="builder">The HttpClient builder.</param>
    /// <param name="configure">Configures this client's <see cref="SessionHandlerOptions"/> (named after the client), or <see langword="null"/>.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <remarks>
    /// Requires <c>AddSessionKit</c>. A new handler is created for each handler chain the factory builds (the factory's
    /// lifetime rules apply); the coordinator and store it uses are singletons. Add it after resilience handlers that retry
    /// whole requests, so each retry gets the current token.
    /// <para>
    /// SessionKit follows this client's redirects itself: <c>AllowAutoRedirect</c> is turned off on the primary handler (a
    /// <see cref="SocketsHttpHandler"/> or <see cref="HttpClientHandler"/>, also one set with
    /// <c>ConfigurePrimaryHttpMessageHandler</c> before or after this call, or wrapped in <see cref="DelegatingHandler"/>s), and
    /// the <see cref="SessionHandler"/> re-checks the origin at every hop (see <see cref="SessionHandlerOptions.FollowRedirects"/>).
    /// A primary handler of another type keeps its own redirect behaviour; the handler then never refreshes or retries on a 401
    /// that followed a redirect below it.
    /// </para>
    /// </remarks>
    public static IHttpClientBuilder AddSessionHandler(this IHttpClientBuilder builder, Action<SessionHandlerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var name = builder.Name;
        var services = builder.Services;

        var registry = services.FirstOrDefault(d => d.ServiceType == typeof(SessionHandlerRegistry))?.ImplementationInstance as SessionHandlerRegistry;
        if (registry is null)
        {
            registry = new SessionHandlerRegistry();
            services.AddSingleton(registry);
        }

        registry.ClientNames.Add(name);
        var options = services.AddOptions<SessionHandlerOptions>(name);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SessionHandlerOptions>, SessionHandlerOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SessionHandlerOptions>, SessionHandlerOptionsRulesValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<SessionHandlerOptions>, SessionHandlerBaseAddressSetup>());

        // SessionKit owns redirects for this client: the handler follows them and checks the origin at every hop.
        AutoRedirect.TurnOffFor(services, name);

        return builder.AddHttpMessageHandler(sp => new SessionHandler(
            sp.GetRequiredService<RefreshCoordinator>(),
            sp.GetRequiredService<IOptionsMonitor<SessionHandlerOptions>>().Get(name),
            timeProvider: null,
            sp.GetService<ILogger<SessionHandler>>()));
    }
}
