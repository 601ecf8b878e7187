using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;

namespace Functions.LocalHost;

/// <summary>
/// The Functions host's singleton listener lock: a blob lease on
/// <c>azure-webjobs-hosts/locks/{hostId}/{function}.Listener</c>. Whoever holds the lease runs the schedule; the
/// blob (and its container) is created empty on first use.
/// </summary>
internal sealed class ListenerLock
{
    public const string ContainerName = "azure-webjobs-hosts";

    private readonly BlobContainerClient _container;
    private readonly BlobClient _blob;
    private readonly BlobLeaseClient _lease;

    public ListenerLock(BlobServiceClient blobs, string hostId, string functionName, TimeSpan period)
    {
        _container = blobs.GetBlobContainerClient(ContainerName);
        _blob = _container.GetBlobClient($"locks/{hostId}/{functionName}.Listener");
        _lease = _blob.GetBlobLeaseClient();
        Period = period;
    }

    public string BlobName => _blob.Name;

    public TimeSpan Period { get; }

    /// <summary>True when this instance now holds the lease; false when another instance does.</summary>
    public async Task<bool> TryAcquireAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await _lease.AcquireAsync(Period, cancellationToken: cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                return false;
            }
            catch (RequestFailedException e) when (e.Status == 404 && attempt == 0)
            {
                await CreateBlobAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public Task RenewAsync(CancellationToken cancellationToken) => _lease.RenewAsync(cancellationToken: cancellationToken);

    public Task ReleaseAsync(CancellationToken cancellationToken) => _lease.ReleaseAsync(cancellationToken: cancellationToken);

    private async Task CreateBlobAsync(CancellationToken cancellationToken)
    {
        await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            await _blob.UploadAsync(BinaryData.Empty, overwrite: false, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // Another instance created it first (and may hold its lease already).
        }
    }
}
