using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Reminders.Channels.Settings;

namespace Reminders.App.Reports;

public static class ReportRegistration
{
    /// <summary>Reports__* settings, the recorders the order store, senders and opt-outs call, and the report reader.</summary>
    public static IServiceCollection AddRecoveryReports(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<ReportOptions>(configuration, ReportOptions.Section);
        services.AddSingleton<MerchantTimeZones>();
        services.AddSingleton<RecoveryRecorder>();
        services.AddSingleton<OptOutAttribution>();
        services.AddSingleton<RecoveryReport>();
        return services;
    }
}
