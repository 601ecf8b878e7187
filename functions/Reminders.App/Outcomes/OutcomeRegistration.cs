using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Reminders.App.Observability;
using Reminders.App.Orders;

namespace Reminders.App.Outcomes;

public static class OutcomeRegistration
{
    /// <summary>
    /// When a Service Bus namespace is configured (<see cref="OutcomeSettings"/>): the <c>ServiceBusClient</c> from
    /// the <c>ServiceBus</c> section, the outcome queue told after every timeline write (beside the activity log), and the
    /// publisher.
    /// </summary>
    public static IServiceCollection AddOutcomePublishing(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(OutcomeSettings.Section);
        if (!OutcomeSettings.IsConfigured(section)) return services;
        services.AddSingleton(OutcomeSettings.Read(section));
        services.AddAzureClients(clients => clients.AddServiceBusClient(section));
        services.AddSingleton<OutcomeQueue>();
        services.AddHostedService<OutcomePublisher>();
        services.AddSingleton<ITimelineObserver>(provider => provider.GetRequiredService<OutcomeQueue>());
        return services;
    }
}
