using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Reminders.Storage;

/// <summary>One blob container.</summary>
public sealed class BlobContainerClient
{
    private readonly HttpPipeline _pipeline;

    public BlobContainerClient(string connectionString, string containerName, StorageClientOptions? options = null)
        : this(new BlobServiceClient(connectionString, options), containerName)
    {
    }

    private BlobContainerClient(BlobServiceClient service, string containerName)
        : this(service.Pipeline, service.Uri, containerName)
    {
    }

    internal BlobContainerClient(HttpPipeline pipeline, Uri serviceUri, string containerName)
    {
        StorageNames.ValidateContainerName(containerName);
        _pipeline = pipeline;
        ServiceUri = serviceUri;
        Name = containerName;
        Uri = StorageRest.Combine(serviceUri, containerName);
    }

    public string Name { get; }

    public Uri Uri { get; }

    private Uri ServiceUri { get; }

    /// <summary>A client for one blob in this container; the name is checked here, before any request.</summary>
    public BlobClient GetBlobClient(string blobName) => new(_pipeline, ServiceUri, Name, blobName);

    /// <summary>Creates the container; false when it already existed.</summary>
    public async Task<Response<bool>> CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        var request = StorageRest.CreateRequest(_pipeline, RequestMethod.Put, Uri, ("restype", "container"));
        var response = await StorageRest.SendAsync(_pipeline, request, cancellationToken, 201, 409).ConfigureAwait(false);
        if (response.Status == 409 && !StorageRest.HasErrorCode(response, "ContainerAlreadyExists")) throw new RequestFailedException(response);
        return Response.FromValue(response.Status == 201, response);
    }

    /// <summary>Deletes the container and its blobs; false when it did not exist.</summary>
    public async Task<Response<bool>> DeleteIfExistsAsync(CancellationToken cancellationToken = default)
    {
        var request = StorageRest.CreateRequest(_pipeline, RequestMethod.Delete, Uri, ("restype", "container"));
        var response = await StorageRest.SendAsync(_pipeline, request, cancellationToken, 202, 404).ConfigureAwait(false);
        return Response.FromValue(response.Status == 202, response);
    }

    public async Task<Response<bool>> ExistsAsync(CancellationToken cancellationToken = default)
    {
        var request = StorageRest.CreateRequest(_pipeline, RequestMethod.Head, Uri, ("restype", "container"));
        var response = await StorageRest.SendAsync(_pipeline, request, cancellationToken, 200, 404).ConfigureAwait(false);
        return Response.FromValue(response.Status == 200, response);
    }
}
