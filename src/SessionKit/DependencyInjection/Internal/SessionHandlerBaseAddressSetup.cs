// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace SessionKit.Internal;

/// <summary>Adds the origin of the HttpClient's <see cref="HttpClient.BaseAddress"/> to the handler's allowed origins.</summary>
internal sealed class SessionHandlerBaseAddressSetup : IPostConfigureOptions<SessionHandlerOptions>
{
    private readonly IOptionsMonitor<HttpClientFactoryOptions> _factoryOptions;
    private readonly SessionHandlerRegistry _registry;

    public SessionHandlerBaseAddressSetup(IOptionsMonitor<HttpClientFactoryOptions> factoryOptions, SessionHandlerRegistry registry)
    {
        _factoryOptions = factoryOptions;
        _registry = registry;
    }

    public void PostConfigure(string? name, SessionHandlerOptions options)
    {
        if (name is null || !_registry.ClientNames.Contains(name))
        {
            return;
        }

        // The client's configuration runs when a client is created; replay it on a probe to learn the BaseAddress.
        using var probe = new HttpClient();
        foreach (var configure in _factoryOptions.Get(name).HttpClientActions)
        {
            configure(probe);
        }

        if (probe.BaseAddress is { IsAbsoluteUri: true } baseAddress
            && !options.AllowedOrigins.Any(o => o is not null && Uri.Compare(o, baseAddress, UriComponents.SchemeAndServer, UriFormat.UriEscaped, StringComparison.OrdinalIgnoreCase) == 0))
        {
            options.AllowedOrigins.Add(baseAddress);
        }
    }
}
