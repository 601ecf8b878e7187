using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Reminders.Storage;

/// <summary>The Queue service of one storage account (Queue service REST API over Azure.Core).</summary>
public sealed class QueueServiceClient
{

    /// <summary>From a connection string (<c>UseDevelopmentStorage=true</c> or <c>AccountName=...;AccountKey=...</c>).</summary>
    public QueueServiceClient(string connectionString, StorageClientOptions? options = null, QueueMessageEncoding messageEncoding = QueueMessageEncoding.Base64)
        : this(StorageConnectionString.Parse(connectionString), options, messageEncoding)
    {
    }

    /// <summary>With an Entra ID token (managed identity), e.g. <c>https://account.queue.core.windows.net</c>.</summary>
    public QueueServiceClient(Uri endpoint, TokenCredential credential, StorageClientOptions? options = null, QueueMessageEncoding messageEncoding = QueueMessageEncoding.Base64)
        : this(endpoint, new StorageAuthentication(null, credential ?? throw new ArgumentNullException(nameof(credential))), options, messageEncoding)
    {
    }

    public QueueServiceClient(Uri endpoint, StorageSharedKeyCredential credential, StorageClientOptions? options = null, QueueMessageEncoding messageEncoding = QueueMessageEncoding.Base64)
        : this(endpoint, new StorageAuthentication(credential ?? throw new ArgumentNullException(nameof(credential)), null), options, messageEncoding)
    {
    }

    private QueueServiceClient(StorageConnectionString connection, StorageClientOptions? options, QueueMessageEncoding messageEncoding)
        : this(connection.QueueEndpoint, new StorageAuthentication(connection.Credential, null), options, messageEncoding)
    {
    }

    private QueueServiceClient(Uri endpoint, StorageAuthentication authentication, StorageClientOptions? options, QueueMessageEncoding messageEncoding)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        Uri = endpoint;
        MessageEncoding = messageEncoding;
        Pipeline = StoragePipeline.Build(options ?? new StorageClientOptions(), authentication, tableService: false);
    }

    public Uri Uri { get; }

    internal HttpPipeline Pipeline { get; }

    /// <summary>The encoding of the queue clients this service hands out.</summary>
    public QueueMessageEncoding MessageEncoding { get; }

    /// <summary>A client for one queue; the name is checked here, before any request.</summary>
    public QueueClient GetQueueClient(string queueName) => new(Pipeline, Uri, queueName, MessageEncoding);

    /// <summary>Lists queues (List Queues), one request per page; the health check reads one page.</summary>
    public AsyncPageable<QueueItem> GetQueuesAsync(string? prefix = null, CancellationToken cancellationToken = default) =>
        StorageRest.ListAsync(Pipeline, Uri, prefix, "Queues", q => new QueueItem(StorageRest.Element(q, "Name")), cancellationToken);
}
