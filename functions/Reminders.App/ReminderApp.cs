using Functions.LocalHost;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Reminders.App.Buyers;
using Reminders.App.Delivery;
using Reminders.App.Dashboard;
using Reminders.App.Dispatch;
using Reminders.App.Hosting;
using Reminders.App.Merchants;
using Reminders.App.Observability;
using Reminders.App.Orders;
using Reminders.App.Outcomes;
using Reminders.App.Reports;
using Reminders.App.Storage;
using Reminders.App.Webhooks;
using Reminders.Channels.Settings;

namespace Reminders.App;

/// <summary>
/// Composes the function app: one registration of settings, storage and domain services (<see cref="AddReminders"/>)
/// that the Functions host and the local host share.
/// </summary>
public static class ReminderApp
{
    /// <summary>The Functions host starts its worker with these on the command line (see docs/azure.md).</summary>
    public static bool StartedByFunctionsHost(string[] args) =>
        args.Any(a => a.StartsWith("--functions-uri", StringComparison.Ordinal) || a.StartsWith("--functions-worker-id", StringComparison.Ordinal));

    /// <summary>The app on the local Functions host, for machines without Core Tools and for the end-to-end tests.</summary>
    public static WebApplication BuildLocal(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddLocalFunctionsHost(typeof(ReminderApp).Assembly,
            keys => keys.Keys = SettingsRegistration.Get<AdminOptions>(builder.Configuration, AdminOptions.Section).KeyList);
        builder.Services.AddReminders(builder.Configuration);
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ExceptionProblemHandler>();

        var app = builder.Build();
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapLocalFunctions();
        return app;
    }

    public static IServiceCollection AddReminders(this IServiceCollection services, IConfigurationManager configuration)
    {
        configuration.AddSettingDefaults();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(Random.Shared); // the one source of jitter (thread-safe)
        services.AddStorageClients(configuration);

        // Reminders__* bind to ReminderOptions (registered with delivery, which reads them too); Core gets its own settings.
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<ReminderOptions>>().Value.ToReminderSettings());
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<ReminderOptions>>().Value.ToThrottleSettings());
        services.AddSettings<WebhookOptions>(configuration, WebhookOptions.Section);
        services.AddSingleton<WebhookSecrets>();
        services.AddSingleton(ClaimTimeouts.Read(configuration));
        services.AddSingleton<ReminderStorage>();
        services.AddHostedService<StorageSetup>();
        services.AddSingleton<ReminderIndex>();
        services.AddSingleton<OrderStore>();
        services.AddSettings<BuyersOptions>(configuration, BuyersOptions.Section);
        services.AddSingleton<BuyerStore>();
        services.AddSingleton<ReminderDispatcher>();
        services.AddSingleton<WebhookReceiver>();
        services.AddMerchants(configuration);
        services.AddDelivery(configuration);
        services.AddReminderObservability(configuration);
        services.AddDashboard(configuration);
        services.AddOutcomePublishing(configuration);
        services.AddRecoveryReports(configuration);
        return services;
    }

    /// <summary>Defaults of settings the design gives one for, below every other source.</summary>
    private static void AddSettingDefaults(this IConfigurationManager configuration)
    {
        var defaults = new Dictionary<string, string?>
        {
            // The host id names the timer locks and schedule status in azure-webjobs-hosts/ (local host only; Azure sets its own).
            ["AzureFunctionsWebHost:hostid"] = "reminders",
        };
        foreach (var sweep in new[] { "PaymentDue", "ConfirmReceipt", "PayLater", "Settlement", "Refund" })
        {
            defaults[$"Sweeps:{sweep}:Schedule"] = "0 */1 * * * *";
        }
        configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = defaults });
    }
}
