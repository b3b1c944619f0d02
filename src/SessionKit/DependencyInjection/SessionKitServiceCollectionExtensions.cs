// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SessionKit;
using SessionKit.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers SessionKit's services.</summary>
public static class SessionKitServiceCollectionExtensions
{
    /// <summary>
    /// The name of the <see cref="HttpClient"/> used for token-endpoint calls. Configure it with <c>services.AddHttpClient(TokenEndpointClientName)</c>;
    /// never add a <see cref="SessionHandler"/> to it. Its primary handler never follows redirects (SessionKit turns
    /// <c>AllowAutoRedirect</c> off, also on a primary handler you configure): a 3xx is an unusable answer, so the refresh token
    /// is never re-posted to another host.
    /// </summary>
    public const string TokenEndpointClientName = "SessionKit.TokenEndpoint";

    /// <summary>
    /// Registers SessionKit: an <see cref="InMemoryTokenStore"/>, the token endpoint client chosen in
    /// <paramref name="configure"/> (GoTrue or OAuth 2.0), a <see cref="RefreshCoordinator"/> and a <see cref="SessionClient"/>,
    /// all singletons, with options validated at start.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures the options; call <see cref="SessionKitOptions.UseGoTrue"/> or <see cref="SessionKitOptions.UseOAuth2"/>.</param>
    /// <returns>A builder on which a store and the other packages' extras chain (<see cref="SessionKitBuilder.AddFileStore(Action{FileTokenStoreOptions})"/>, ...).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    /// <remarks>
    /// <para>
    /// Defaults are registered with <c>TryAdd</c>: register your own <see cref="ITokenStore"/>, <see cref="ITokenRefresher"/>
    /// or <see cref="TimeProvider"/> before or after this call to replace them.
    /// </para>
    /// <para>
    /// Options are validated by <c>ValidateOnStart</c> when a host starts (a missing token endpoint included: neither
    /// <see cref="SessionKitOptions.UseGoTrue"/>, <see cref="SessionKitOptions.UseOAuth2"/> nor an <see cref="ITokenRefresher"/> of
    /// your own); without a host, the first time the options are resolved.
    /// </para>
    /// </remarks>
    public static SessionKitBuilder AddSessionKit(this IServiceCollection services, Action<SessionKitOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        services.AddOptions<SessionKitOptions>().Configure(configure);
        return AddSessionKitCore(services);
    }

    /// <summary>
    /// Registers SessionKit as <see cref="AddSessionKit(IServiceCollection, Action{SessionKitOptions})"/> does, with its
    /// <see cref="SessionKitOptions"/> bound from a configuration section (for example <c>"SessionKit"</c> in appsettings.json):
    /// <c>GoTrue</c> or <c>OAuth2</c>, and <c>Refresh</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="section">The section holding the options; its keys are the property names (<c>GoTrue:AuthUrl</c>,
    /// <c>Refresh:AttemptTimeout</c> as <c>"00:00:15"</c>, enums by name).</param>
    /// <returns>A builder on which a store and the other packages' extras chain.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="section"/> is <see langword="null"/>.</exception>
    /// <remarks>
    /// <para>
    /// Binding is source-generated (no reflection: trim- and AOT-safe). Values are validated like those set in code: a host fails at
    /// start with a message naming the field (out of range, missing, not absolute); a value that cannot be converted (a
    /// <see cref="TimeSpan"/> that does not parse, an unknown enum name) fails there too, with the configuration path in the message.
    /// Add settings that do not belong in configuration (a secret from a vault) with
    /// <c>services.Configure&lt;SessionKitOptions&gt;(o =&gt; ...)</c>; it runs after the binding.
    /// </para>
    /// <para>
    /// Reloads: <see cref="IOptionsMonitor{TOptions}"/> sees a changed section, but SessionKit reads these options once, when the
    /// singletons (the token endpoint client and the <see cref="RefreshCoordinator"/>) are created: a change takes effect at the
    /// next start of the application.
    /// </para>
    /// <para>
    /// Size: the section may name either server, so a trimmed app (Blazor WebAssembly) keeps both <see cref="GoTrueTokenClient"/>
    /// and <see cref="OAuth2TokenClient"/>. With the other overload and <see cref="SessionKitOptions.UseGoTrue"/> or
    /// <see cref="SessionKitOptions.UseOAuth2"/>, it keeps only the client it uses.
    /// </para>
    /// </remarks>
    public static SessionKitBuilder AddSessionKit(this IServiceCollection services, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);

        services.AddOptions<SessionKitOptions>().Bind(section);
        return AddSessionKitCore(services);
    }

    private static SessionKitBuilder AddSessionKitCore(IServiceCollection services)
    {
        services.AddOptions<SessionKitOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SessionKitOptions>, SessionKitOptionsValidator>());
        if (!services.Any(d => d.ServiceType == typeof(IValidateOptions<SessionKitOptions>) && d.ImplementationInstance is TokenEndpointConfiguredValidator))
        {
            services.AddSingleton<IValidateOptions<SessionKitOptions>>(new TokenEndpointConfiguredValidator(services, CreateEndpointClient));
        }
        services.AddHttpClient(TokenEndpointClientName);

        // A redirect from the token endpoint is an unusable answer (Transient), never followed with the refresh token.
        AutoRedirect.TurnOffFor(services, TokenEndpointClientName);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ITokenStore, InMemoryTokenStore>();
        services.TryAddSingleton(CreateEndpointClient);
        services.TryAddSingleton(sp => new RefreshCoordinator(
            sp.GetRequiredService<ITokenStore>(),
            sp.GetRequiredService<ITokenRefresher>(),
            sp.GetRequiredService<IOptions<SessionKitOptions>>().Value.Refresh,
            sp.GetRequiredService<TimeProvider>(),
            SessionKeyLogging.Create<RefreshCoordinator>(sp),
            sp.GetService<IMeterFactory>()));
        services.TryAddSingleton(sp =>
        {
            var refresher = sp.GetRequiredService<ITokenRefresher>();
            return new SessionClient(
                sp.GetRequiredService<RefreshCoordinator>(),
                refresher as IPasswordSignInClient,
                refresher as ISignOutClient,
                sessionKey: null,
                SessionKeyLogging.Create<SessionClient>(sp));
        });
        return new SessionKitBuilder(services);
    }

    /// <summary>
    /// Builds the token-endpoint client the options name. It never names GoTrueTokenClient or OAuth2TokenClient itself: the
    /// options build the one whose setter was called, so a trimmed app keeps only the client it configures.
    /// </summary>
    private static ITokenRefresher CreateEndpointClient(IServiceProvider services) =>
        services.GetRequiredService<IOptions<SessionKitOptions>>().Value.CreateTokenClient(services)
        ?? throw new InvalidOperationException(
            "SessionKit has no token endpoint: call UseGoTrue(...) or UseOAuth2(...) in AddSessionKit, or register an ITokenRefresher.");
}
