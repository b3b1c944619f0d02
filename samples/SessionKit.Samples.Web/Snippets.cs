// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using Microsoft.AspNetCore.DataProtection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using StackExchange.Redis;

namespace SessionKit.Samples.Web;

/// <summary>
/// README wiring that this sample does not run (a resilience pipeline, OpenTelemetry, a Redis farm with a shared key ring),
/// compiled so the README cannot drift: ReadmeTests compares each <c>begin-snippet</c> region with the README block of the
/// same name.
/// </summary>
internal static class Snippets
{
    public static void ResilienceHandlerOrder(IServiceCollection services, Uri apiUrl)
    {
        // begin-snippet: resilience-order
        services.AddHttpClient("api", c => c.BaseAddress = apiUrl)
            .AddStandardResilienceHandler();   // outer: retries, timeouts, circuit breaker for the API
        services.AddHttpClient("api").AddSessionHandler();   // inner: token, refresh, 401 retry, redirects
        // end-snippet
    }

    public static void OpenTelemetry(IServiceCollection services)
    {
        // begin-snippet: opentelemetry
        services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddSource(SessionKitDiagnostics.ActivitySourceName))
            .WithMetrics(metrics => metrics.AddMeter(SessionKitDiagnostics.MeterName));
        // end-snippet
    }

    public static void RedisFarm(IServiceCollection services, IConnectionMultiplexer redis, Uri authUrl, string apiKey)
    {
        // begin-snippet: redis
        services.AddDataProtection()
            .PersistKeysToStackExchangeRedis(redis, "DataProtection-Keys")   // the key ring, shared by every instance
            .SetApplicationName("my-app");
        services.AddSingleton<IConnectionMultiplexer>(redis);
        services.AddSessionKit(o => o.UseGoTrue(authUrl, apiKey))
            .AddRedisStore(o => o.KeyPrefix = "my-app:sessions:");   // or .AddRedisStore("redis:6379"); services.AddSessionKitRedisStore(...) also works
        // end-snippet
    }
}
