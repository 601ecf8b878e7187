using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Reminders.App.Storage;

/// <summary>A pipeline policy added to every storage client (tests and the benchmark count requests with it).</summary>
public sealed record StorageRequestPolicy(HttpPipelinePolicy Policy, HttpPipelinePosition Position = HttpPipelinePosition.PerRetry);

/// <summary>
/// The storage clients, registered once as the default <see cref="TableServiceClient"/>, <see cref="QueueServiceClient"/>
/// and <see cref="BlobServiceClient"/>, from the AzureWebJobsStorage setting as the Functions host reads it: a
/// connection string, or an identity-based connection (AzureWebJobsStorage__accountName or __tableServiceUri,
/// __queueServiceUri, __blobServiceUri; __credential=managedidentity with __clientId for a user-assigned identity).
/// Queue messages are Base64 of UTF-8 text, as the Functions queue trigger reads them.
/// </summary>
public static class StorageRegistration
{
    public const string SettingName = "AzureWebJobsStorage";

    /// <summary>
    /// The queue client the local Functions host reads triggers with: named for the triggers' connection, and reading
    /// messages as stored, because the host decodes them itself by host.json messageEncoding.
    /// </summary>
    public const string TriggerClientName = SettingName;

    public static IServiceCollection AddStorageClients(this IServiceCollection services, IConfiguration configuration)
    {
        var connection = StorageConnection.FromConfiguration(configuration);
        services.AddAzureClients(clients =>
        {
            if (connection.ConnectionString is { } connectionString)
            {
                clients.AddTableServiceClient(connectionString);
                clients.AddQueueServiceClient(connectionString).ConfigureOptions(UseBase64);
                clients.AddQueueServiceClient(connectionString).WithName(TriggerClientName);
                clients.AddBlobServiceClient(connectionString);
            }
            else
            {
                clients.UseCredential(connection.Credential!);
                clients.AddTableServiceClient(connection.TableEndpoint!);
                clients.AddQueueServiceClient(connection.QueueEndpoint!).ConfigureOptions(UseBase64);
                clients.AddQueueServiceClient(connection.QueueEndpoint!).WithName(TriggerClientName);
                clients.AddBlobServiceClient(connection.BlobEndpoint!);
            }
            clients.ConfigureDefaults((options, provider) =>
            {
                // Give up on an unreachable account within seconds: webhook senders and sweeps retry on their own.
                options.Retry.MaxRetries = 3;
                options.Retry.Mode = RetryMode.Exponential;
                options.Retry.Delay = TimeSpan.FromMilliseconds(200);
                options.Retry.MaxDelay = TimeSpan.FromSeconds(5);
                options.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
                foreach (var added in provider.GetServices<StorageRequestPolicy>()) options.AddPolicy(added.Policy, added.Position);
            });
        });
        return services;
    }

    private static void UseBase64(QueueClientOptions options) => options.MessageEncoding = QueueMessageEncoding.Base64;
}

/// <summary>Either a connection string or the three service endpoints with a token credential.</summary>
public sealed record StorageConnection(
    string? ConnectionString,
    Uri? TableEndpoint,
    Uri? QueueEndpoint,
    Uri? BlobEndpoint,
    TokenCredential? Credential)
{
    /// <exception cref="InvalidOperationException">The setting is missing or malformed; the message names it.</exception>
    public static StorageConnection FromConfiguration(IConfiguration configuration)
    {
        const string name = StorageRegistration.SettingName;
        var section = configuration.GetSection(name);
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            Validate(section.Value);
            return new StorageConnection(section.Value, null, null, null, null);
        }

        var account = section["accountName"];
        Uri Endpoint(string key, string service) =>
            section[key] is { Length: > 0 } uri
                ? Uri.TryCreate(uri, UriKind.Absolute, out var parsed) ? parsed : throw new InvalidOperationException($"Setting {name}__{key} is not an absolute URL.")
            : account is { Length: > 0 } ? new Uri($"https://{account}.{service}.core.windows.net")
            : throw new InvalidOperationException(
                $"Setting {name} is missing: give a connection string, or {name}__accountName for a managed identity.");

        var clientId = section["clientId"];
        TokenCredential credential = string.Equals(section["credential"], "managedidentity", StringComparison.OrdinalIgnoreCase)
            ? new ManagedIdentityCredential(string.IsNullOrEmpty(clientId) ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });
        return new StorageConnection(null,
            Endpoint("tableServiceUri", "table"), Endpoint("queueServiceUri", "queue"), Endpoint("blobServiceUri", "blob"), credential);
    }

    /// <summary>The clients parse the connection string when made (no request is sent); a bad one stops start-up here.</summary>
    private static void Validate(string connectionString)
    {
        try
        {
            _ = new TableServiceClient(connectionString);
            _ = new QueueServiceClient(connectionString);
            _ = new BlobServiceClient(connectionString);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            throw new InvalidOperationException($"Setting {StorageRegistration.SettingName} is not a valid storage connection string: {e.Message}", e);
        }
    }
}
