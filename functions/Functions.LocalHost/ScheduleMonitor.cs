using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Functions.LocalHost;

/// <summary>A timer's last run and next occurrence, as the Functions host records them in its status blob.</summary>
internal sealed record TimerStatus(DateTimeOffset Last, DateTimeOffset Next, DateTimeOffset LastUpdated);

/// <summary>
/// Keeps a timer function's <see cref="TimerStatus"/> as JSON in <c>azure-webjobs-hosts/timers/{hostId}/{function}/status</c>,
/// written with ETag conditions so that an instance that lost the listener lock cannot overwrite a newer status.
/// </summary>
internal sealed class ScheduleMonitor
{
    private readonly BlobContainerClient _container;
    private readonly BlobClient _blob;
    private ETag? _etag;

    public ScheduleMonitor(BlobServiceClient blobs, string hostId, string functionName)
    {
        _container = blobs.GetBlobContainerClient(ListenerLock.ContainerName);
        _blob = _container.GetBlobClient($"timers/{hostId}/{functionName}/status");
    }

    /// <summary>The recorded status, or null when none was recorded (or it is not a status); its ETag guards the next write.</summary>
    public async Task<TimerStatus?> ReadAsync(CancellationToken cancellationToken)
    {
        (var status, _etag) = await DownloadAsync(cancellationToken).ConfigureAwait(false);
        return status;
    }

    /// <summary>As <see cref="ReadAsync"/>, leaving the ETag of this monitor's last read or write in place.</summary>
    public async Task<TimerStatus?> PeekAsync(CancellationToken cancellationToken) =>
        (await DownloadAsync(cancellationToken).ConfigureAwait(false)).Status;

    /// <summary>
    /// Writes <paramref name="status"/> if the blob is unchanged since this monitor last read or wrote it. When it
    /// changed, the stored status wins if it records a later run; otherwise it is overwritten.
    /// </summary>
    public async Task WriteAsync(TimerStatus status, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var conditions = _etag is { } etag ? new BlobRequestConditions { IfMatch = etag } : new BlobRequestConditions { IfNoneMatch = ETag.All };
                var written = await _blob.UploadAsync(BinaryData.FromObjectAsJson(status),
                    new BlobUploadOptions { Conditions = conditions, HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } },
                    cancellationToken).ConfigureAwait(false);
                _etag = written.Value.ETag;
                return;
            }
            catch (RequestFailedException e) when (e.Status == 404 && attempt == 0)
            {
                await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                _etag = null;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < 2)
            {
                var stored = await ReadAsync(cancellationToken).ConfigureAwait(false);
                if (stored is not null && stored.Last >= status.Last) return;
            }
        }
    }

    /// <summary>The stored status (null when missing, empty or not a status) and the blob's ETag.</summary>
    private async Task<(TimerStatus? Status, ETag? ETag)> DownloadAsync(CancellationToken cancellationToken)
    {
        BlobDownloadResult download;
        try
        {
            download = (await _blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return (null, null);
        }
        try
        {
            return (download.Content.ToMemory().IsEmpty ? null : download.Content.ToObjectFromJson<TimerStatus>(), download.Details.ETag);
        }
        catch (JsonException)
        {
            return (null, download.Details.ETag);
        }
    }
}
