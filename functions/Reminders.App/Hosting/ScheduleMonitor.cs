using System.Text.Json;
using Azure;
using Reminders.Storage;

namespace Reminders.App.Hosting;

/// <summary>A timer's last run and next occurrence, as the Functions host records them.</summary>
public sealed record ScheduleStatus(DateTimeOffset Last, DateTimeOffset Next, DateTimeOffset LastUpdated);

/// <summary>
/// Keeps a timer function's <see cref="ScheduleStatus"/> as JSON in
/// <c>azure-webjobs-hosts/timers/{hostId}/{function}/status</c>, written with ETag conditions so that an
/// instance that lost the listener lock cannot overwrite a newer status.
/// </summary>
internal sealed class ScheduleMonitor
{
    private static readonly JsonSerializerOptions Json = new();

    private readonly BlobContainerClient _container;
    private readonly BlobClient _blob;
    private ETag? _etag;

    public ScheduleMonitor(BlobServiceClient blobs, string hostId, string functionName)
    {
        _container = blobs.GetBlobContainerClient(ListenerLock.ContainerName);
        _blob = _container.GetBlobClient(StatusBlobName(hostId, functionName));
    }

    public static string StatusBlobName(string hostId, string functionName) => $"timers/{hostId}/{functionName}/status";

    /// <summary>The recorded status, or null when none was recorded (or it cannot be read).</summary>
    public async Task<ScheduleStatus?> ReadAsync(CancellationToken cancellationToken)
    {
        var download = await _blob.DownloadContentIfExistsAsync(cancellationToken).ConfigureAwait(false);
        _etag = download?.ETag;
        if (download is null || download.Content.ToMemory().IsEmpty) return null;
        try
        {
            return download.Content.ToObjectFromJson<ScheduleStatus>(Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Writes <paramref name="status"/> if the blob is unchanged since this monitor last read or wrote it. When
    /// it changed, the stored status wins if it records a later run; otherwise it is overwritten.
    /// </summary>
    public async Task WriteAsync(ScheduleStatus status, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var conditions = _etag is { } etag ? new BlobRequestConditions { IfMatch = etag } : new BlobRequestConditions { IfNoneMatch = ETag.All };
                var written = await _blob.UploadAsync(BinaryData.FromObjectAsJson(status, Json),
                    new BlobUploadOptions { Conditions = conditions, ContentType = "application/json" }, cancellationToken).ConfigureAwait(false);
                _etag = written.Value.ETag;
                return;
            }
            catch (RequestFailedException e) when (e.Status == 404 && attempt == 0)
            {
                await _container.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
                _etag = null;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < 2)
            {
                var stored = await ReadAsync(cancellationToken).ConfigureAwait(false);
                if (stored is not null && stored.Last >= status.Last) return;
            }
        }
    }
}
