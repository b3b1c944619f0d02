// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
    public static IHttpClientBuilder AddSessionHandler(this IHttpClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return AddSessionHandlerCore(builder, configure: null);
    }

    /// <summary>
    /// Adds a <see cref="SessionHandler"/> to the client as <see cref="AddSessionHandler(IHttpClientBuilder)"/> does, with this
    /// client's <see cref="SessionHandlerOptions"/> (named after the client) configured in code.
    /// </summary>
    /// <param name="builder">The HttpClient builder.</param>
    /// <param name="configure">Configures this client's <see cref="SessionHandlerOptions"/>.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static IHttpClientBuilder AddSessionHandler(this IHttpClientBuilder builder, Action<SessionHandlerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        return AddSessionHandlerCore(builder, configure);
    }

    /// <summary>
    /// Adds a <see cref="SessionHandler"/> to the client as <see cref="AddSessionHandler(IHttpClientBuilder)"/>
    /// does, with this client's <see cref="SessionHandlerOptions"/> bound from a configuration section.
    /// </summary>
    /// <param name="builder">The HttpClient builder.</param>
    /// <param name="section">The section holding the options: <c>SessionKey</c>, <c>RefreshMargin</c> (as <c>"00:00:30"</c>),
    /// <c>AllowedOrigins</c> (an array of absolute URLs, added to the client's <see cref="HttpClient.BaseAddress"/> origin),
    /// <c>RequireSession</c>, <c>RetryOnUnauthorized</c>, <c>FollowRedirects</c>, <c>MaxRedirects</c>. <see cref="SessionHandlerOptions.SessionKeySelector"/>
    /// is code, not configuration: set it with <c>services.Configure&lt;SessionHandlerOptions&gt;(name, o =&gt; ...)</c>.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="section"/> is <see langword="null"/>.</exception>
    /// <remarks>
    /// Binding is source-generated (trim- and AOT-safe) and validated at start like options set in code. Reloads: the options are
    /// read when the factory builds a handler chain for the client (every <c>HandlerLifetime</c>, 2 minutes by default), so a
    /// changed section reaches the handlers of chains built after the change; chains already built keep the options they had.
    /// </remarks>
    public static IHttpClientBuilder AddSessionHandler(this IHttpClientBuilder builder, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);

        // Bound on every (re)creation of the options, and a changed section tells IOptionsMonitor, as OptionsBuilder.Bind does.
        var name = builder.Name;
        builder.Services.AddSingleton<IOptionsChangeTokenSource<SessionHandlerOptions>>(new ConfigurationChangeTokenSource<SessionHandlerOptions>(name, section));
        return AddSessionHandlerCore(builder, options => section.Get<SessionHandlerSection>()?.ApplyTo(options));
    }

    private static IHttpClientBuilder AddSessionHandlerCore(IHttpClientBuilder builder, Action<SessionHandlerOptions>? configure)
    {
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
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<SessionHandlerOptions>, SessionHandlerBaseAddressSetup>());

        // SessionKit owns redirects for this client: the handler follows them and checks the origin at every hop.
        AutoRedirect.TurnOffFor(services, name);

        return builder.AddHttpMessageHandler(sp => new SessionHandler(
            sp.GetRequiredService<RefreshCoordinator>(),
            sp.GetRequiredService<IOptionsMonitor<SessionHandlerOptions>>().Get(name),
            timeProvider: null,
            SessionKeyLogging.Create<SessionHandler>(sp)));
    }
}
