using Azure;

namespace Reminders.Storage;

public sealed record BlobContainerItem(string Name);

/// <summary>
/// Conditions on a blob request: <see cref="IfMatch"/> (only if the blob still has this ETag),
/// <see cref="IfNoneMatch"/> (<see cref="ETag.All"/>: only if the blob does not exist), and the
/// <see cref="LeaseId"/> a leased blob requires for writes.
/// </summary>
public sealed record BlobRequestConditions
{
    public ETag? IfMatch { get; init; }
    public ETag? IfNoneMatch { get; init; }
    public string? LeaseId { get; init; }
}

public sealed record BlobUploadOptions
{
    public BlobRequestConditions? Conditions { get; init; }

    /// <summary>Content-Type stored with the blob; application/octet-stream when not set.</summary>
    public string? ContentType { get; init; }
}

public sealed record BlobContentInfo(ETag ETag, DateTimeOffset LastModified);

public sealed record BlobDownloadResult(BinaryData Content, ETag ETag, DateTimeOffset LastModified, string? ContentType);

/// <summary>A lease's state after an operation; <see cref="LeaseTime"/> is the seconds left after Break.</summary>
public sealed record BlobLease(ETag ETag, DateTimeOffset LastModified, string LeaseId, int? LeaseTime = null);
