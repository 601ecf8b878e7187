using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Reminders.App.Observability;

public static class ObservabilityRegistration
{
    /// <summary>
    /// <see cref="ReminderMetrics"/> for the call sites, and the OTLP export of traces and metrics when
    /// OTEL_EXPORTER_OTLP_ENDPOINT is set.
    /// </summary>
    public static IServiceCollection AddReminderObservability(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMetrics();
        services.AddSingleton<ReminderMetrics>();
        if (TelemetryExportSettings.Read(configuration) is { } settings)
        {
            services.AddSingleton(settings);
            services.AddHostedService<TelemetryExport>();
        }
        return services;
    }
}
