using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Reminders.App.Storage;

namespace Reminders.App.Hosting;

/// <summary>
/// TEMPORARY, goes with the rest of Hosting/ and the Reminders.Storage project when the local Functions host
/// replaces this trigger host: the old queue listener, listener lock and schedule monitor still speak through the
/// hand-written Reminders.Storage clients. They are registered here from the same AzureWebJobsStorage setting as
/// the official clients (<see cref="StorageRegistration"/>), with the same request policies; nothing else uses them.
/// </summary>
public static class TriggerHostStorageClients
{
    public static IServiceCollection AddTriggerHostStorageClients(this IServiceCollection services, IConfiguration configuration)
    {
        var connection = StorageConnection.FromConfiguration(configuration);
        services.AddSingleton(provider =>
        {
            var options = new Reminders.Storage.StorageClientOptions { TimeProvider = provider.GetRequiredService<TimeProvider>() };
            foreach (var added in provider.GetServices<StorageRequestPolicy>()) options.AddPolicy(added.Policy, added.Position);
            return options;
        });
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<Reminders.Storage.StorageClientOptions>();
            return connection.ConnectionString is { } cs
                ? new Reminders.Storage.QueueServiceClient(cs, options)
                : new Reminders.Storage.QueueServiceClient(connection.QueueEndpoint!, connection.Credential!, options);
        });
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<Reminders.Storage.StorageClientOptions>();
            return connection.ConnectionString is { } cs
                ? new Reminders.Storage.BlobServiceClient(cs, options)
                : new Reminders.Storage.BlobServiceClient(connection.BlobEndpoint!, connection.Credential!, options);
        });
        return services;
    }
}
