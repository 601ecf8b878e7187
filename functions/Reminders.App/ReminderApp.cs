using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Reminders.App.Buyers;
using Reminders.App.Delivery;
using Reminders.App.Dashboard;
using Reminders.App.Dispatch;
using Reminders.App.Hosting;
using Reminders.App.Observability;
using Reminders.App.Orders;
using Reminders.App.Outcomes;
using Reminders.App.Webhooks;

namespace Reminders.App;

/// <summary>Composes the function app: settings, storage, domain services, triggers and HTTP routes.</summary>
public static class ReminderApp
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.AddFunctionsSettings(builder.Environment.ContentRootPath, builder.Environment.EnvironmentName);
        builder.Configuration.AddSettingDefaults();
        builder.Logging.AddConfiguration(builder.Configuration.GetSection(FunctionsConfiguration.HostSection + ":logging"));
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls("http://localhost:7071");
        }

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddProblemDetails();
        services.AddExceptionHandler<ExceptionProblemHandler>();
        services.AddOptions<AdminOptions>().Bind(builder.Configuration.GetSection("Admin"));
        services.AddStorageClients(builder.Configuration);

        var reminderSettings = DomainSettings.ReadReminderSettings(builder.Configuration);
        services.AddSingleton(reminderSettings);
        services.AddSingleton(DomainSettings.ToThrottleSettings(reminderSettings, builder.Configuration));
        services.AddSingleton(new WebhookSecrets(builder.Configuration));
        services.AddSingleton<ReminderStorage>();
        services.AddSingleton<ReminderIndex>();
        services.AddSingleton<OrderStore>();
        services.AddSingleton<BuyerStore>();
        services.AddSingleton<ReminderDispatcher>();
        services.AddSingleton<WebhookReceiver>();
        services.AddHttpFunctions(typeof(ReminderApp).Assembly);
        services.AddDelivery(builder.Configuration);
        services.AddTriggerHost(builder.Configuration, typeof(ReminderApp).Assembly);
        services.AddReminderObservability(builder.Configuration);
        services.AddDashboard(builder.Configuration);
        services.AddOutcomePublishing(builder.Configuration);
        services.AddApiDocument();

        var app = builder.Build();
        // Built now so that a bad Webhooks__StoreTimeout stops the app at start-up, not at the first webhook.
        app.Services.GetRequiredService<WebhookReceiver>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapHttpFunctions(typeof(ReminderApp).Assembly);
        app.MapAdminInvoke();
        app.MapApiDocument();
        return app;
    }
}
