// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SessionKit.Internal;

/// <summary>
/// Fails validation (so a host fails at start, not at the first refresh) when no token endpoint is configured and the
/// <see cref="ITokenRefresher"/> in effect is SessionKit's own, which would have nothing to call.
/// </summary>
/// <remarks>
/// It looks at the service collection when validation runs, after every registration was made, so an
/// <see cref="ITokenRefresher"/> registered after <c>AddSessionKit</c> is seen as well.
/// </remarks>
internal sealed class TokenEndpointConfiguredValidator(IServiceCollection services, Func<IServiceProvider, ITokenRefresher> sessionKitFactory)
    : IValidateOptions<SessionKitOptions>
{
    public ValidateOptionsResult Validate(string? name, SessionKitOptions options)
    {
        if (options.GoTrue is not null || options.OAuth2 is not null)
        {
            return ValidateOptionsResult.Success;
        }

        // The last registration of ITokenRefresher is the one resolved.
        var inEffect = services.LastOrDefault(d => d.ServiceType == typeof(ITokenRefresher) && !d.IsKeyedService);
        var ours = inEffect is { ImplementationFactory: { } factory } && factory.Method == sessionKitFactory.Method;
        return ours
            ? ValidateOptionsResult.Fail("SessionKit has no token endpoint: call UseGoTrue(...) or UseOAuth2(...) in AddSessionKit, or register an ITokenRefresher of your own.")
            : ValidateOptionsResult.Success;
    }
}
