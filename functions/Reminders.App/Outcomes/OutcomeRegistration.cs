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
    /// the <c>ServiceBus</c> section, the outcome queue told after every timeline write, and the publisher. Register it
    /// after the dashboard: the timeline observer already registered is kept and told first.
    /// </summary>
    public static IServiceCollection AddOutcomePublishing(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(OutcomeSettings.Section);
        if (!OutcomeSettings.IsConfigured(section)) return services;
        services.AddSingleton(OutcomeSettings.Read(section));
        services.AddAzureClients(clients => clients.AddServiceBusClient(section));
        services.AddSingleton<OutcomeQueue>();
        services.AddHostedService<OutcomePublisher>();
        AlsoTellOutcomeQueue(services);
        return services;
    }

    /// <summary><see cref="OrderStore"/> takes one <see cref="ITimelineObserver"/>: the one registered before, then the outcome queue.</summary>
    private static void AlsoTellOutcomeQueue(IServiceCollection services)
    {
        var existing = services.LastOrDefault(d => d.ServiceType == typeof(ITimelineObserver) && !d.IsKeyedService);
        if (existing is not null) services.Remove(existing);
        services.AddSingleton<ITimelineObserver>(provider =>
        {
            var queue = provider.GetRequiredService<OutcomeQueue>();
            return existing is null ? queue : new TimelineObservers([Resolve(provider, existing), queue]);
        });
    }

    private static ITimelineObserver Resolve(IServiceProvider provider, ServiceDescriptor descriptor) =>
        (ITimelineObserver)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(provider)
            ?? ActivatorUtilities.CreateInstance(provider, descriptor.ImplementationType!));
}

/// <summary>Tells several observers, each safely: one that fails does not keep the others from being told.</summary>
public sealed class TimelineObservers(IReadOnlyList<ITimelineObserver> observers) : ITimelineObserver
{
    public void OnTimelineWritten(string orderId, IReadOnlyList<TimelineEntry> entries)
    {
        foreach (var observer in observers) observer.NotifySafely(orderId, entries);
    }
}
