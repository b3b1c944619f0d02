// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.Options;

namespace SessionKit.Internal;

/// <summary>
/// Every rule of <see cref="SessionHandlerOptions"/>: its fields, and for a client with a session handler, that the handler knows
/// where tokens may go. The ranges are declared beside the properties they bound.
/// </summary>
internal sealed class SessionHandlerOptionsValidator : IValidateOptions<SessionHandlerOptions>
{
    private readonly HashSet<string> _handlerClients;

    public SessionHandlerOptionsValidator(SessionHandlerRegistry registry)
    {
        _handlerClients = registry.ClientNames;
    }

    public ValidateOptionsResult Validate(string? name, SessionHandlerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new OptionsFailures(name, nameof(SessionHandlerOptions));
        failures.Required(nameof(options.SessionKey), options.SessionKey);
        failures.InRange(nameof(options.RefreshMargin), options.RefreshMargin, SessionHandlerOptions.RefreshMarginRange);
        failures.InRange(nameof(options.MaxRedirects), options.MaxRedirects, SessionHandlerOptions.MaxRedirectsRange);

        // The origins: only for the HttpClients that have a session handler (their options are named after them).
        if (name is not null && _handlerClients.Contains(name))
        {
            if (options.AllowedOrigins.Count == 0)
            {
                failures.Add(
                    $"SessionKit: HttpClient '{name}' has no BaseAddress and SessionHandlerOptions.AllowedOrigins is empty, so the session handler would attach the token nowhere. Set a BaseAddress or add the API's origin to AllowedOrigins.");
            }
            else if (options.AllowedOrigins.Any(o => o is null || !o.IsAbsoluteUri))
            {
                failures.Add($"SessionKit: every AllowedOrigins entry of HttpClient '{name}' must be an absolute URL.");
            }
        }

        return failures.Result;
    }
}
