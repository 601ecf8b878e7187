using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Reminders.App.Observability;

/// <summary>
/// Settings of the OTLP export, under the standard OpenTelemetry names (environment variables or app settings):
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (no export when empty), <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>
/// (<c>grpc</c>, the default, or <c>http/protobuf</c>), <c>OTEL_SERVICE_NAME</c> (default <c>reminders</c>) and
/// <c>OTEL_METRIC_EXPORT_INTERVAL</c> (milliseconds, default 60000).
/// </summary>
public sealed record TelemetryExportSettings(Uri Endpoint, OtlpExportProtocol Protocol, string ServiceName, int MetricExportIntervalMilliseconds)
{
    public static TelemetryExportSettings? Read(IConfiguration configuration)
    {
        var endpoint = configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (string.IsNullOrWhiteSpace(endpoint)) return null;
        if (!Uri.TryCreate(endpoint.Trim(), UriKind.Absolute, out var uri))
        {
            throw new InvalidOperationException($"Setting OTEL_EXPORTER_OTLP_ENDPOINT is not an absolute URI: '{endpoint}'.");
        }
        var protocol = configuration["OTEL_EXPORTER_OTLP_PROTOCOL"]?.Trim().ToLowerInvariant() switch
        {
            null or "" or "grpc" => OtlpExportProtocol.Grpc,
            "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
            var other => throw new InvalidOperationException($"Setting OTEL_EXPORTER_OTLP_PROTOCOL must be grpc or http/protobuf, not '{other}'."),
        };
        var service = configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : "reminders";
        var interval = int.TryParse(configuration["OTEL_METRIC_EXPORT_INTERVAL"], out var ms) && ms > 0 ? ms : 60_000;
        return new TelemetryExportSettings(uri, protocol, service, interval);
    }

    /// <summary>
    /// With http/protobuf the signal's path is appended to the base endpoint, as the exporter does for the
    /// environment variable (an endpoint set in code is used as is).
    /// </summary>
    public Uri SignalEndpoint(string signalPath) =>
        Protocol == OtlpExportProtocol.HttpProtobuf ? new Uri(Endpoint.AbsoluteUri.TrimEnd('/') + "/" + signalPath) : Endpoint;
}

/// <summary>
/// Builds the tracer and meter providers that export over OTLP when the app starts, and flushes and disposes them
/// when it stops (OpenTelemetry.Extensions.Hosting is not available here).
/// </summary>
public sealed class TelemetryExport(TelemetryExportSettings settings) : IHostedService, IDisposable
{
    /// <summary>Activity sources exported: ours, ASP.NET Core's requests and HttpClient's calls (storage, providers).</summary>
    public static readonly string[] Sources = [ReminderMetrics.Name, "Microsoft.AspNetCore", "System.Net.Http"];

    /// <summary>Meters exported: ours and the framework's request, connection, client and runtime meters.</summary>
    public static readonly string[] Meters =
        [ReminderMetrics.Name, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http", "System.Runtime"];

    private TracerProvider? _tracer;
    private MeterProvider? _meter;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var resource = ResourceBuilder.CreateDefault().AddService(settings.ServiceName);
        _tracer = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSource(Sources)
            .AddProcessor(new AdminKeyRedaction())
            .AddOtlpExporter(o =>
            {
                o.Endpoint = settings.SignalEndpoint("v1/traces");
                o.Protocol = settings.Protocol;
            })
            .Build();
        _meter = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter(Meters)
            .AddOtlpExporter((o, reader) =>
            {
                o.Endpoint = settings.SignalEndpoint("v1/metrics");
                o.Protocol = settings.Protocol;
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = settings.MetricExportIntervalMilliseconds;
            })
            .Build();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _tracer?.ForceFlush(5_000);
        _meter?.ForceFlush(5_000);
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _tracer?.Dispose();
        _meter?.Dispose();
        _tracer = null;
        _meter = null;
    }
}

/// <summary>Removes an admin key given as <c>?code=</c> from the URL tags of exported spans.</summary>
public sealed partial class AdminKeyRedaction : BaseProcessor<Activity>
{
    private static readonly string[] UrlTags = ["url.query", "url.full", "http.url", "http.target"];

    public override void OnEnd(Activity data)
    {
        foreach (var tag in UrlTags)
        {
            if (data.GetTagItem(tag) is string value && value.Contains("code=", StringComparison.OrdinalIgnoreCase))
            {
                data.SetTag(tag, Redact(value));
            }
        }
    }

    /// <summary>Replaces the value of every <c>code</c> query parameter with <c>REDACTED</c>.</summary>
    public static string Redact(string url) => CodeValue().Replace(url, "REDACTED");

    [System.Text.RegularExpressions.GeneratedRegex("(?<=(?:^|[?&])code=)[^&#]*", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex CodeValue();
}
