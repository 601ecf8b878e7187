using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Reminders.Storage;

namespace Reminders.App.Hosting;

/// <summary>A pipeline policy added to every storage client (tests and the benchmark count requests with it).</summary>
public sealed record StorageRequestPolicy(HttpPipelinePolicy Policy, HttpPipelinePosition Position = HttpPipelinePosition.PerRetry);

/// <summary>
/// The storage clients, from the AzureWebJobsStorage setting as the Functions host reads it: a connection
/// string, or an identity-based connection (AzureWebJobsStorage__accountName or __tableServiceUri,
/// __queueServiceUri, __blobServiceUri; __credential=managedidentity with __clientId for a user-assigned identity).
/// </summary>
public static class StorageRegistration
{
    public const string SettingName = "AzureWebJobsStorage";

    public static IServiceCollection AddStorageClients(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(provider => StorageConnection.FromConfiguration(configuration));
        services.AddSingleton(provider =>
        {
            var options = new StorageClientOptions { TimeProvider = provider.GetRequiredService<TimeProvider>() };
            foreach (var added in provider.GetServices<StorageRequestPolicy>()) options.AddPolicy(added.Policy, added.Position);
            return options;
        });
        services.AddSingleton(provider =>
        {
            var connection = provider.GetRequiredService<StorageConnection>();
            var options = provider.GetRequiredService<StorageClientOptions>();
            return connection.ConnectionString is { } cs
                ? new TableServiceClient(cs, options)
                : new TableServiceClient(connection.TableEndpoint!, connection.Credential!, options);
        });
        services.AddSingleton(provider =>
        {
            var connection = provider.GetRequiredService<StorageConnection>();
            var options = provider.GetRequiredService<StorageClientOptions>();
            return connection.ConnectionString is { } cs
                ? new QueueServiceClient(cs, options)
                : new QueueServiceClient(connection.QueueEndpoint!, connection.Credential!, options);
        });
        services.AddSingleton(provider =>
        {
            var connection = provider.GetRequiredService<StorageConnection>();
            var options = provider.GetRequiredService<StorageClientOptions>();
            return connection.ConnectionString is { } cs
                ? new BlobServiceClient(cs, options)
                : new BlobServiceClient(connection.BlobEndpoint!, connection.Credential!, options);
        });
        return services;
    }
}

/// <summary>Either a connection string or endpoints with a token credential.</summary>
public sealed record StorageConnection(
    string? ConnectionString,
    Uri? TableEndpoint,
    Uri? QueueEndpoint,
    Uri? BlobEndpoint,
    TokenCredential? Credential)
{
    public static StorageConnection FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection(StorageRegistration.SettingName);
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            StorageConnectionString.Parse(section.Value); // fail at start-up, naming the setting, if it is malformed
            return new StorageConnection(section.Value, null, null, null, null);
        }

        var account = section["accountName"];
        Uri Endpoint(string key, string service) =>
            section[key] is { Length: > 0 } uri ? new Uri(uri)
            : account is { Length: > 0 } ? new Uri($"https://{account}.{service}.core.windows.net")
            : throw new InvalidOperationException(
                $"Setting {StorageRegistration.SettingName} is missing: give a connection string, or {StorageRegistration.SettingName}__accountName for a managed identity.");

        var clientId = section["clientId"];
        TokenCredential credential = string.Equals(section["credential"], "managedidentity", StringComparison.OrdinalIgnoreCase)
            ? new ManagedIdentityCredential(string.IsNullOrEmpty(clientId) ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });
        return new StorageConnection(null,
            Endpoint("tableServiceUri", "table"), Endpoint("queueServiceUri", "queue"), Endpoint("blobServiceUri", "blob"), credential);
    }
}
