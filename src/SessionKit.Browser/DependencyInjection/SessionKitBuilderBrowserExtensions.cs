// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;
using SessionKit;
using SessionKit.Browser;
using SessionKit.Browser.Internal;
using SessionKit.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chains the browser store on the builder returned by <c>AddSessionKit</c>.</summary>
public static class SessionKitBuilderBrowserExtensions
{
    /// <summary>
    /// Uses a <see cref="BrowserTokenStore"/> as the store (and so as the refresh lock every tab of the app shares). Call
    /// <see cref="SessionKitBrowserServiceProviderExtensions.StartSessionKitBrowserAsync"/> after <c>builder.Build()</c>.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddSessionKit</c>.</param>
    /// <param name="configure">Configures the storage kind, key prefix and lock; <see langword="null"/> for the defaults (<c>localStorage</c>, Web Locks).</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <remarks>
    /// The store is a singleton, resolvable as <see cref="BrowserTokenStore"/> (for its <see cref="BrowserTokenStore.SessionChanged"/>
    /// event and <see cref="BrowserTokenStore.TabId"/>) and as <see cref="ITokenStore"/>. Invalid options throw
    /// <see cref="OptionsValidationException"/> when the store is first resolved (a WebAssembly host has no start-up validation).
    /// </remarks>
    public static SessionKitBuilder AddBrowserStore(this SessionKitBuilder builder, Action<BrowserTokenStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<BrowserTokenStoreOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BrowserTokenStoreOptions>, BrowserTokenStoreOptionsValidator>());
        services.TryAddSingleton(sp => new BrowserTokenStore(
            sp.GetRequiredService<IJSRuntime>(),
            sp.GetRequiredService<IOptions<BrowserTokenStoreOptions>>(),
            SessionKeyLogging.Create<BrowserTokenStore>(sp)));
        services.RemoveAll<ITokenStore>();
        services.AddSingleton<ITokenStore>(sp => sp.GetRequiredService<BrowserTokenStore>());
        return builder;
    }
}
