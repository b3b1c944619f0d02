// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;

namespace SessionKit.Internal;

/// <summary>
/// Turns off <c>AllowAutoRedirect</c> on the primary handler of a named <see cref="HttpClient"/> from the factory, whatever the
/// app configured as primary: the action is added in a post-configure step, so it runs after every
/// <c>ConfigurePrimaryHttpMessageHandler</c> call, and it looks through <see cref="DelegatingHandler"/>s wrapping the primary.
/// </summary>
internal static class AutoRedirect
{
    /// <summary>Registers the action for the client named <paramref name="clientName"/>.</summary>
    public static void TurnOffFor(IServiceCollection services, string clientName) =>
        services.PostConfigure<HttpClientFactoryOptions>(clientName, options =>
        {
            if (!options.HttpMessageHandlerBuilderActions.Contains(TurnOff))
            {
                options.HttpMessageHandlerBuilderActions.Add(TurnOff);
            }
        });

    /// <summary>Turns off automatic redirects on <paramref name="handler"/> or the handler it wraps; returns whether it could.</summary>
    public static bool TurnOff(HttpMessageHandler? handler)
    {
        while (handler is DelegatingHandler delegating)
        {
            handler = delegating.InnerHandler;
        }

        // In the browser the fetch API follows redirects itself; "manual" would hide the Location from us.
        if (OperatingSystem.IsBrowser())
        {
            return false;
        }

        try
        {
            switch (handler)
            {
                case SocketsHttpHandler sockets:
                    sockets.AllowAutoRedirect = false;
                    return true;
                case HttpClientHandler client:
                    client.AllowAutoRedirect = false;
                    return true;
                default:
                    return false;
            }
        }
        catch (InvalidOperationException)
        {
            // The handler already sent a request (an app-shared instance): its settings are frozen. SessionHandler still
            // notices a redirect taken below it and never refreshes or retries on it.
            return false;
        }
    }

    private static void TurnOff(HttpMessageHandlerBuilder builder) => TurnOff(builder.PrimaryHandler);
}
