using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using System.IO.Compression;
using Azure.Monitor.OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Reminders.App.Observability;
using Reminders.Core.Orders;

namespace Reminders.App.Tests.Observability;

/// <summary>
/// The export over OTLP and to Application Insights, received by a local endpoint (OTLP/HTTP protobuf bodies and
/// Application Insights JSON; strings travel as UTF-8).
/// </summary>
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
        _collector.MapPost("/v1/{signal}", Receive);
        _collector.MapPost("/v2.1/track", Receive); // Application Insights' ingestion endpoint
        await _collector.StartAsync();
        _endpoint = _collector.Urls.Single();
    }

    public async Task DisposeAsync() => await _collector.DisposeAsync();

    private async Task<IResult> Receive(HttpRequest request)
    {
        using var body = new MemoryStream();
        var content = request.Headers.ContentEncoding == "gzip" ? new GZipStream(request.Body, CompressionMode.Decompress) : request.Body;
        await content.CopyToAsync(body);
        _received.Enqueue((request.Path, request.ContentType ?? "", body.ToArray()));
        return Results.Ok();
    }

    /// <summary>The services as the app registers them, with <paramref name="settings"/> as its configuration.</summary>
    private static ServiceProvider Services(Dictionary<string, string?> settings, Action<IServiceCollection>? alsoRegister = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        services.AddReminderObservability(configuration);
        alsoRegister?.Invoke(services);
        return services.BuildServiceProvider();
    }

    private static bool Holds(byte[] body, string text) => Encoding.UTF8.GetString(body).Contains(text, StringComparison.Ordinal);

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
        await using var provider = Services(new()
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = _endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = "reminders-export-test",
        });
        var spanName = Emit(provider);

        var traces = _received.Where(r => r.Path == "/v1/traces").ToList();
        var trace = Assert.Single(traces, r => Holds(r.Body, spanName));
        Assert.Equal("application/x-protobuf", trace.ContentType);
        Assert.True(Holds(trace.Body, "reminders-export-test"));
        Assert.True(Holds(trace.Body, "code=REDACTED"));
        Assert.False(Holds(trace.Body, "very-secret-key"));
        Assert.Contains(_received, r => r.Path == "/v1/metrics" && Holds(r.Body, "reminders.webhooks.accepted"));
    }

    [Fact]
    public async Task Traces_and_metrics_reach_Application_Insights_when_its_connection_string_is_set()
    {
        // The connection string's ingestion endpoint is the local listener, so what the exporter sends is seen here.
        await using var provider = Services(new()
        {
            ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = $"InstrumentationKey={Guid.Empty};IngestionEndpoint={_endpoint}/",
        }, services => services.Configure<AzureMonitorExporterOptions>(options =>
        {
            // Every span sampled: the exporter's default rate-limited sampler would share its budget with the HTTP
            // spans of the other tests running in this process.
            options.TracesPerSecond = null;
            options.SamplingRatio = 1F;
        }));
        Assert.NotNull(provider.GetService<LoggerProvider>()); // logs go to Application Insights too
        var spanName = Emit(provider);

        var sent = _received.Where(r => r.Path == "/v2.1/track").ToList();
        Assert.Contains(sent, r => Holds(r.Body, spanName));
        Assert.DoesNotContain(sent, r => Holds(r.Body, "very-secret-key"));
        Assert.Contains(sent, r => Holds(r.Body, "reminders.webhooks.accepted"));
    }

    /// <summary>A span and a counter of the Reminders source and meter, flushed through the registered providers; the span's name.</summary>
    private static string Emit(ServiceProvider provider)
    {
        var tracing = provider.GetRequiredService<TracerProvider>();
        var meters = provider.GetRequiredService<MeterProvider>();
        var metrics = provider.GetRequiredService<ReminderMetrics>();
        var spanName = "sweep export-test-" + Guid.NewGuid().ToString("N")[..8];
        using (var activity = metrics.StartActivity(spanName))
        {
            Assert.NotNull(activity); // the tracer provider listens to the Reminders source
            activity.SetTag("url.query", "?code=very-secret-key");
        }
        metrics.WebhookAccepted(WebhookSource.Orders, "applied");
        Assert.True(tracing.ForceFlush(10_000));
        Assert.True(meters.ForceFlush(10_000));
        return spanName;
    }

    [Fact]
    public void Without_an_endpoint_or_connection_string_nothing_is_exported()
    {
        using var provider = Services([]);

        Assert.Null(provider.GetService<TracerProvider>());
        Assert.Null(provider.GetService<MeterProvider>());
        Assert.NotNull(provider.GetRequiredService<ReminderMetrics>());
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("Authorization=AAD", true)]
    [InlineData("ClientId=00000000-0000-0000-0000-000000000001;Authorization=AAD", true)]
    [InlineData("ClientId=00000000-0000-0000-0000-000000000001", false)]
    public void Application_Insights_authenticates_with_the_managed_identity_its_authentication_string_names(string? authentication, bool managedIdentity)
    {
        Assert.Equal(managedIdentity, ObservabilityRegistration.AzureMonitorCredential(authentication) is Azure.Identity.ManagedIdentityCredential);
    }
}
