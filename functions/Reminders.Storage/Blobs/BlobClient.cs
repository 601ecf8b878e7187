using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Reminders.Storage;

/// <summary>One block blob: upload (optionally conditional), download, exists, delete, and leases through <see cref="BlobLeaseClient"/>.</summary>
public sealed class BlobClient
{
    public BlobClient(string connectionString, string containerName, string blobName, StorageClientOptions? options = null)
        : this(new BlobServiceClient(connectionString, options), containerName, blobName)
    {
    }

    private BlobClient(BlobServiceClient service, string containerName, string blobName)
        : this(service.Pipeline, service.Uri, containerName, blobName)
    {
    }

    internal BlobClient(HttpPipeline pipeline, Uri serviceUri, string containerName, string blobName)
    {
        StorageNames.ValidateContainerName(containerName);
        StorageNames.ValidateBlobName(blobName);
        Pipeline = pipeline;
        BlobContainerName = containerName;
        Name = blobName;
        Uri = StorageRest.Combine(serviceUri, containerName, blobName);
    }

    public string BlobContainerName { get; }

    public string Name { get; }

    public Uri Uri { get; }

    internal HttpPipeline Pipeline { get; }

    public BlobLeaseClient GetBlobLeaseClient(string? leaseId = null) => new(this, leaseId);

    /// <summary>Put Blob. Without <paramref name="overwrite"/> an existing blob is kept and the call fails with 409 BlobAlreadyExists.</summary>
    public Task<Response<BlobContentInfo>> UploadAsync(BinaryData content, bool overwrite = false, CancellationToken cancellationToken = default) =>
        UploadAsync(content, new BlobUploadOptions
        {
            Conditions = overwrite ? null : new BlobRequestConditions { IfNoneMatch = ETag.All },
        }, cancellationToken);

    /// <summary>
    /// Put Blob under the given conditions: an If-Match that no longer holds fails with 412 ConditionNotMet,
    /// If-None-Match * on an existing blob with 409 BlobAlreadyExists. Without conditions the blob is replaced.
    /// </summary>
    public async Task<Response<BlobContentInfo>> UploadAsync(BinaryData content, BlobUploadOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(options);
        var request = StorageRest.CreateRequest(Pipeline, RequestMethod.Put, Uri);
        request.Headers.SetValue("x-ms-blob-type", "BlockBlob");
        request.Headers.SetValue("Content-Type", options.ContentType ?? "application/octet-stream");
        AddConditions(request, options.Conditions);
        request.Content = RequestContent.Create(content);
        var response = await StorageRest.SendAsync(Pipeline, request, cancellationToken, 201).ConfigureAwait(false);
        return Response.FromValue(new BlobContentInfo(RequiredETag(response), LastModified(response)), response);
    }

    /// <summary>Get Blob: the whole content with its ETag. A missing blob fails with 404 BlobNotFound (or ContainerNotFound).</summary>
    public async Task<Response<BlobDownloadResult>> DownloadContentAsync(BlobRequestConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        var request = StorageRest.CreateRequest(Pipeline, RequestMethod.Get, Uri);
        AddConditions(request, conditions);
        var response = await StorageRest.SendAsync(Pipeline, request, cancellationToken, 200).ConfigureAwait(false);
        return Response.FromValue(ReadDownload(response), response);
    }

    /// <summary>Get Blob, or null when the blob or its container does not exist.</summary>
    public async Task<BlobDownloadResult?> DownloadContentIfExistsAsync(CancellationToken cancellationToken = default)
    {
        var request = StorageRest.CreateRequest(Pipeline, RequestMethod.Get, Uri);
        var response = await StorageRest.SendAsync(Pipeline, request, cancellationToken, 200, 404).ConfigureAwait(false);
        return response.Status == 404 ? null : ReadDownload(response);
    }

    public async Task<Response<bool>> ExistsAsync(CancellationToken cancellationToken = default)
    {
        var request = StorageRest.CreateRequest(Pipeline, RequestMethod.Head, Uri);
        var response = await StorageRest.SendAsync(Pipeline, request, cancellationToken, 200, 404).ConfigureAwait(false);
        return Response.FromValue(response.Status == 200, response);
    }

    /// <summary>Delete Blob; false when it did not exist. A leased blob needs <see cref="BlobRequestConditions.LeaseId"/>.</summary>
    public async Task<Response<bool>> DeleteIfExistsAsync(BlobRequestConditions? conditions = null, CancellationToken cancellationToken = default)
    {
        var request = StorageRest.CreateRequest(Pipeline, RequestMethod.Delete, Uri);
        AddConditions(request, conditions);
        var response = await StorageRest.SendAsync(Pipeline, request, cancellationToken, 202, 404).ConfigureAwait(false);
        return Response.FromValue(response.Status == 202, response);
    }

    internal static ETag RequiredETag(Response response) =>
        response.Headers.ETag ?? throw new RequestFailedException(response.Status, "The Blob service's answer lacks the ETag header.");

    internal static DateTimeOffset LastModified(Response response) =>
        StorageRest.ParseDate(StorageRest.RequiredHeader(response, "Last-Modified"));

    private static BlobDownloadResult ReadDownload(Response response) =>
        new(response.Content,
            RequiredETag(response),
            LastModified(response),
            response.Headers.ContentType);

    private static void AddConditions(Request request, BlobRequestConditions? conditions)
    {
        if (conditions is null) return;
        if (conditions.IfMatch is { } ifMatch) request.Headers.SetValue("If-Match", ifMatch.ToString("H"));
        if (conditions.IfNoneMatch is { } ifNoneMatch) request.Headers.SetValue("If-None-Match", ifNoneMatch.ToString("H"));
        if (conditions.LeaseId is { } leaseId) request.Headers.SetValue("x-ms-lease-id", leaseId);
    }
}
