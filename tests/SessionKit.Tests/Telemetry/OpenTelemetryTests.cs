// Copyright (c) SessionKit contributors. Licensed under the MIT License.

using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using SessionKit.Testing;
using SessionKit.Tests.Support;

namespace SessionKit.Tests.Telemetry;

/// <summary>
/// SessionKit wired to the OpenTelemetry SDK the way an app does it (a host, <c>AddOpenTelemetry()</c>, the public names in
/// <see cref="SessionKitDiagnostics"/>), with the SDK's in-memory exporters, sees a real refresh over HTTP.
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
[NonParallelizable]
public sealed class OpenTelemetryTests
{
    private const string Email = "grace@example.test";

    [Test]
    public async Task RefreshOverHttp_WiredWithOpenTelemetry_ExportsRefreshSpanAndRefreshMetrics()
    {
        await using var server = await GoTrueTestServer.StartAsync();
        server.AddUser(Email, "pw-grace");
        var spans = new List<Activity>();
        var metrics = new List<MetricSnapshot>();

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSessionKit(o => o.UseGoTrue(server.AuthUrl, apiKey: "anon-key"));
        builder.Services.AddHttpClient("api", c => c.BaseAddress = server.ApiUrl).AddSessionHandler();

        // The three lines of the README, plus the in-memory exporters.
        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddSource(SessionKitDiagnostics.ActivitySourceName).AddInMemoryExporter(spans))
            .WithMetrics(meters => meters.AddMeter(SessionKitDiagnostics.MeterName).AddInMemoryExporter(metrics));

        using var host = builder.Build();
        await host.StartAsync();
        var client = host.Services.GetRequiredService<SessionClient>();
        var signedIn = await client.SignInWithPasswordAsync(Email, "pw-grace");

        // The coordinator hands the session to its callers first, then records the duration and ends the span: wait for
        // the span's end (after the record) before flushing, rather than racing it.
        var refreshEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SessionKitDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                if (activity.OperationName == SessionKitDiagnostics.RefreshActivityName)
                {
                    refreshEnded.TrySetResult();
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        var refreshed = await client.RefreshAsync();
        await refreshEnded.Task.WaitAsync(TimeSpan.FromSeconds(30));
        using (var response = await host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("api").GetAsync("me"))
        {
            response.EnsureSuccessStatusCode();
        }

        Assert.That(host.Services.GetRequiredService<TracerProvider>().ForceFlush(10_000), Is.True);
        Assert.That(host.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000), Is.True);
        await host.StopAsync();

        var refreshSpans = spans.Where(s => s.OperationName == SessionKitDiagnostics.RefreshActivityName).ToList();
        var duration = metrics.Where(m => m.Name == "sessionkit.refresh.duration").SelectMany(m => m.MetricPoints).ToList();
        var requests = metrics.Where(m => m.Name == "sessionkit.refresh.requests").SelectMany(m => m.MetricPoints).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(refreshed.Version, Is.GreaterThan(signedIn.Version), "a real refresh happened");
            Assert.That(server.Counters.RefreshRequests, Is.EqualTo(1));
            Assert.That(refreshSpans, Has.Count.EqualTo(1));
            Assert.That(refreshSpans.Single().Source.Name, Is.EqualTo(SessionKitDiagnostics.ActivitySourceName));
            Assert.That(refreshSpans.Single().GetTagItem("sessionkit.refresh.outcome"), Is.EqualTo("succeeded"));
            Assert.That(duration.Sum(p => p.GetHistogramCount()), Is.EqualTo(1), "one refresh recorded");
            Assert.That(requests.Sum(p => p.GetSumLong()), Is.EqualTo(1), "one token endpoint call");
        });

        var exported = string.Join(
            '\n',
            refreshSpans.SelectMany(s => s.TagObjects).Select(t => $"{t.Key}={t.Value}")
                .Concat(metrics.SelectMany(m => m.MetricPoints.ToArray().SelectMany(p => TagsOf(p)))));
        Secrets.AssertAbsent(exported, Secrets.Of(signedIn).Concat(Secrets.Of(refreshed)), "exported telemetry");
    }

    private static IEnumerable<string> TagsOf(MetricPoint point)
    {
        var tags = new List<string>();
        foreach (var tag in point.Tags)
        {
            tags.Add($"{tag.Key}={tag.Value}");
        }

        return tags;
    }
}
