using System.Data.Common;
using System.Diagnostics;
using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Reminders.App.Observability;

public static class ObservabilityRegistration
{
    /// <summary>The standard OpenTelemetry setting: export over OTLP when set (protocol, interval and the like from the other OTEL_* settings).</summary>
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Export to Application Insights when set.</summary>
    public const string AzureMonitorSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary><c>ClientId={identity};Authorization=AAD</c>: authenticate to Application Insights with that managed identity.</summary>
    public const string AzureMonitorAuthenticationSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    public const string DefaultServiceName = "reminders";

    /// <summary>Activity sources exported: ours, ASP.NET Core's requests and HttpClient's calls (storage, providers).</summary>
    public static readonly string[] Sources = [ReminderMetrics.Name, "Microsoft.AspNetCore", "System.Net.Http"];

    /// <summary>Meters exported: ours and the framework's request, connection, client and runtime meters.</summary>
    public static readonly string[] Meters =
        [ReminderMetrics.Name, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http", "System.Runtime"];

    /// <summary>Whether telemetry is exported at all: an OTLP endpoint or an Application Insights connection string is set.</summary>
    public static bool Exports(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]) || !string.IsNullOrWhiteSpace(configuration[AzureMonitorSetting]);

    /// <summary>
    /// <see cref="ReminderMetrics"/> for the call sites and, when <see cref="Exports"/>, OpenTelemetry through its
    /// hosting extensions: traces and metrics over OTLP (the exporter reads the OTEL_* settings itself), and traces,
    /// metrics and logs to Azure Monitor. The Functions host adds its worker defaults on top (Program.cs).
    /// </summary>
    public static IServiceCollection AddReminderObservability(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMetrics();
        services.AddSingleton<ReminderMetrics>();
        if (!Exports(configuration)) return services;

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : DefaultServiceName))
            .WithTracing(tracing => tracing.AddSource(Sources).AddProcessor(new AdminKeyRedaction()))
            .WithMetrics(metrics => metrics.AddMeter(Meters));
        if (!string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]))
        {
            telemetry.WithTracing(tracing => tracing.AddOtlpExporter()).WithMetrics(metrics => metrics.AddOtlpExporter());
        }
        if (configuration[AzureMonitorSetting] is { Length: > 0 } connectionString)
        {
            var credential = AzureMonitorCredential(configuration[AzureMonitorAuthenticationSetting]);
            void Configure(AzureMonitorExporterOptions options)
            {
                options.ConnectionString = connectionString;
                options.Credential = credential;
            }
            telemetry.WithTracing(tracing => tracing.AddAzureMonitorTraceExporter(Configure))
                .WithMetrics(metrics => metrics.AddAzureMonitorMetricExporter(Configure))
                .WithLogging(logging => logging.AddAzureMonitorLogExporter(Configure));
        }
        return services;
    }

    /// <summary>The managed identity APPLICATIONINSIGHTS_AUTHENTICATION_STRING names (as the Functions host reads it); null for key-based ingestion.</summary>
    public static TokenCredential? AzureMonitorCredential(string? authenticationString)
    {
        if (string.IsNullOrWhiteSpace(authenticationString)) return null;
        var parts = new DbConnectionStringBuilder { ConnectionString = authenticationString };
        if (!parts.TryGetValue("Authorization", out var authorization) || !string.Equals(authorization as string, "AAD", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        return parts.TryGetValue("ClientId", out var clientId) && clientId is string { Length: > 0 } id
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(id))
            : new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
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
