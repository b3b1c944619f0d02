// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.Options;

namespace SessionKit.Internal;

/// <summary>Cross-field rules of <see cref="SessionHandlerOptions"/>: the handler must know where tokens may go.</summary>
internal sealed class SessionHandlerOptionsRulesValidator : IValidateOptions<SessionHandlerOptions>
{
    private readonly HashSet<string> _handlerClients;

    public SessionHandlerOptionsRulesValidator(SessionHandlerRegistry registry)
    {
        _handlerClients = registry.ClientNames;
    }

    public ValidateOptionsResult Validate(string? name, SessionHandlerOptions options)
    {
        if (name is null || !_handlerClients.Contains(name))
        {
            return ValidateOptionsResult.Skip;
        }

        if (options.AllowedOrigins.Count == 0)
        {
            return ValidateOptionsResult.Fail(
                $"SessionKit: HttpClient '{name}' has no BaseAddress and SessionHandlerOptions.AllowedOrigins is empty, so the session handler would attach the token nowhere. Set a BaseAddress or add the API's origin to AllowedOrigins.");
        }

        return options.AllowedOrigins.Any(o => o is null || !o.IsAbsoluteUri)
            ? ValidateOptionsResult.Fail($"SessionKit: every AllowedOrigins entry of HttpClient '{name}' must be an absolute URL.")
            : ValidateOptionsResult.Success;
    }
}
