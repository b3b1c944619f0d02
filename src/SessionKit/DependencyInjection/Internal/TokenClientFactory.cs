// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SessionKit.Internal;

/// <summary>
/// Builds SessionKit's token-endpoint client from the container, one method per server family.
/// </summary>
/// <remarks>
/// Only the setter of <see cref="SessionKitOptions.GoTrue"/> refers to <see cref="GoTrue"/>, and only the setter of
/// <see cref="SessionKitOptions.OAuth2"/> to <see cref="OAuth2"/> (they record it on the options). Those setters are reached
/// only by code that configures that server (<see cref="SessionKitOptions.UseGoTrue"/>, <see cref="SessionKitOptions.UseOAuth2"/>,
/// configuration binding, an app's own code), so a trimmed app keeps the client it uses and drops the other one.
/// </remarks>
internal static class TokenClientFactory
{
    public static ITokenRefresher GoTrue(IServiceProvider services, GoTrueOptions options) =>
        new GoTrueTokenClient(Http(services), options, services.GetRequiredService<TimeProvider>(), services.GetService<ILoggerFactory>()?.CreateLogger<GoTrueTokenClient>());

    public static ITokenRefresher OAuth2(IServiceProvider services, OAuth2Options options) =>
        new OAuth2TokenClient(Http(services), options, services.GetRequiredService<TimeProvider>(), services.GetService<ILoggerFactory>()?.CreateLogger<OAuth2TokenClient>());

    /// <summary>A new client from the factory for each call, so handler rotation and DNS changes apply.</summary>
    private static Func<HttpClient> Http(IServiceProvider services)
    {
        var factory = services.GetRequiredService<IHttpClientFactory>();
        return () => factory.CreateClient(SessionKitServiceCollectionExtensions.TokenEndpointClientName);
    }
}
