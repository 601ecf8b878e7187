using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Reminders.Storage;

/// <summary>The Blob service of one storage account (Blob service REST API over Azure.Core).</summary>
public sealed class BlobServiceClient
{
    /// <summary>From a connection string (<c>UseDevelopmentStorage=true</c> or <c>AccountName=...;AccountKey=...</c>).</summary>
    public BlobServiceClient(string connectionString, StorageClientOptions? options = null)
        : this(StorageConnectionString.Parse(connectionString), options)
    {
    }

    /// <summary>With an Entra ID token (managed identity), e.g. <c>https://account.blob.core.windows.net</c>.</summary>
    public BlobServiceClient(Uri endpoint, TokenCredential credential, StorageClientOptions? options = null)
        : this(endpoint, new StorageAuthentication(null, credential ?? throw new ArgumentNullException(nameof(credential))), options)
    {
    }

    public BlobServiceClient(Uri endpoint, StorageSharedKeyCredential credential, StorageClientOptions? options = null)
        : this(endpoint, new StorageAuthentication(credential ?? throw new ArgumentNullException(nameof(credential)), null), options)
    {
    }

    private BlobServiceClient(StorageConnectionString connection, StorageClientOptions? options)
        : this(connection.BlobEndpoint, new StorageAuthentication(connection.Credential, null), options)
    {
    }

    private BlobServiceClient(Uri endpoint, StorageAuthentication authentication, StorageClientOptions? options)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        Uri = endpoint;
        Pipeline = StoragePipeline.Build(options ?? new StorageClientOptions(), authentication, tableService: false);
    }

    public Uri Uri { get; }

    internal HttpPipeline Pipeline { get; }

    /// <summary>A client for one container; the name is checked here, before any request.</summary>
    public BlobContainerClient GetBlobContainerClient(string containerName) => new(Pipeline, Uri, containerName);

    /// <summary>Lists containers (List Containers), one request per page; the health check reads one page.</summary>
    public AsyncPageable<BlobContainerItem> GetBlobContainersAsync(string? prefix = null, CancellationToken cancellationToken = default) =>
        StorageRest.ListAsync(Pipeline, Uri, prefix, "Containers", c => new BlobContainerItem(StorageRest.Element(c, "Name")), cancellationToken);
}
