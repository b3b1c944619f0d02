// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using SessionKit;
using SessionKit.Browser;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Starts SessionKit's browser store in a built Blazor WebAssembly host.</summary>
public static class SessionKitBrowserServiceProviderExtensions
{
    /// <summary>
    /// Loads the store's JavaScript module, starts listening for other tabs' writes and for wake-ups, and makes this tab's
    /// <see cref="RefreshCoordinator"/> raise <see cref="RefreshCoordinator.SessionEnded"/> as soon as another tab ends the
    /// session (a sign-out, or a refresh token the server rejected), so every tab leaves at once. Call it once, between
    /// <c>builder.Build()</c> and <c>RunAsync()</c>.
    /// </summary>
    /// <param name="services">The built host's services (<c>host.Services</c>).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes when the store is ready.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><c>AddBrowserStore</c> was not called.</exception>
    public static async Task StartSessionKitBrowserAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        var store = services.GetService<BrowserTokenStore>()
            ?? throw new InvalidOperationException("SessionKit's browser store is not registered: call AddSessionKit(...).AddBrowserStore() first.");
        await store.StartAsync(cancellationToken).ConfigureAwait(false);
        if (services.GetService<RefreshCoordinator>() is { } coordinator)
        {
            store.SessionChanged += (_, e) =>
            {
                if (e.IsEnded && !e.IsFromThisTab)
                {
                    // Raises SessionEnded here, once per end; the store error of a failed read surfaces on the next request.
                    _ = coordinator.CheckForEndAsync(e.SessionKey, CancellationToken.None).AsTask().ContinueWith(
                        static failed => failed.Exception?.Handle(static _ => true),
                        CancellationToken.None,
                        TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                        TaskScheduler.Default);
                }
            };
        }
    }
}
