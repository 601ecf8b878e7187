using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using Reminders.App.Observability;
using Reminders.Core.Orders;

namespace Reminders.App.Tests.Observability;

/// <summary>The OTLP export, received by a local OTLP/HTTP endpoint (protobuf bodies; strings travel as UTF-8).</summary>
public sealed class TelemetryExportTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<(string Path, string ContentType, byte[] Body)> _received = new();
    private WebApplication _collector = null!;
    private string _endpoint = "";

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _collector = builder.Build();
        _collector.MapPost("/v1/{signal}", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            _received.Enqueue((request.Path, request.ContentType ?? "", body.ToArray()));
            return Results.Ok();
        });
        await _collector.StartAsync();
        _endpoint = _collector.Urls.Single();
    }

    public async Task DisposeAsync() => await _collector.DisposeAsync();

    private static bool Holds(byte[] body, string text) => Encoding.UTF8.GetString(body).Contains(text, StringComparison.Ordinal);

    [Fact]
    public void Settings_follow_the_OpenTelemetry_variables()
    {
        Assert.Null(TelemetryExportSettings.Read(new ConfigurationBuilder().Build()));
        var settings = TelemetryExportSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://collector:4318/",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = "reminders-eu",
        }).Build())!;
        Assert.Equal(OtlpExportProtocol.HttpProtobuf, settings.Protocol);
        Assert.Equal("reminders-eu", settings.ServiceName);
        Assert.Equal("http://collector:4318/v1/traces", settings.SignalEndpoint("v1/traces").AbsoluteUri);
        Assert.Throws<InvalidOperationException>(() => TelemetryExportSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(
            new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://x:4317", ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "smoke-signals" }).Build()));
    }

    [Theory]
    [InlineData("/dashboard?code=k3y", "/dashboard?code=REDACTED")]
    [InlineData("?a=1&code=k3y&b=2", "?a=1&code=REDACTED&b=2")]
    [InlineData("code=k3y", "code=REDACTED")]
    [InlineData("?zipcode=1", "?zipcode=1")]
    public void The_admin_key_is_redacted_from_urls(string url, string redacted) =>
        Assert.Equal(redacted, AdminKeyRedaction.Redact(url));

    [Fact]
    public async Task Traces_and_metrics_reach_the_OTLP_endpoint_when_it_is_set()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = _endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = "reminders-export-test",
        }).Build();
        var services = new ServiceCollection().AddReminderObservability(configuration);
        await using var provider = services.BuildServiceProvider();
        var export = Assert.Single(provider.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<TelemetryExport>());
        var metrics = provider.GetRequiredService<ReminderMetrics>();

        await export.StartAsync(CancellationToken.None);
        var spanName = "sweep export-test-" + Guid.NewGuid().ToString("N")[..8];
        using (var activity = metrics.StartActivity(spanName))
        {
            Assert.NotNull(activity); // the tracer provider listens to the Reminders source
            activity.SetTag("url.query", "?code=very-secret-key");
        }
        metrics.WebhookAccepted(WebhookSource.Orders, "applied");
        await export.StopAsync(CancellationToken.None); // flushes both providers

        var traces = _received.Where(r => r.Path == "/v1/traces").ToList();
        var trace = Assert.Single(traces, r => Holds(r.Body, spanName));
        Assert.Equal("application/x-protobuf", trace.ContentType);
        Assert.True(Holds(trace.Body, "reminders-export-test"));
        Assert.True(Holds(trace.Body, "code=REDACTED"));
        Assert.False(Holds(trace.Body, "very-secret-key"));
        Assert.Contains(_received, r => r.Path == "/v1/metrics" && Holds(r.Body, "reminders.webhooks.accepted"));
    }

    [Fact]
    public void Without_an_endpoint_nothing_is_exported()
    {
        var services = new ServiceCollection().AddReminderObservability(new ConfigurationBuilder().Build());
        using var provider = services.BuildServiceProvider();
        Assert.Empty(provider.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<TelemetryExport>());
        Assert.NotNull(provider.GetRequiredService<ReminderMetrics>());
    }
}
