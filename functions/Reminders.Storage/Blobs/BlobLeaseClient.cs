using System.Globalization;
using Azure;
using Azure.Core;

namespace Reminders.Storage;

/// <summary>
/// Leases on one blob (Lease Blob, <c>PUT ?comp=lease</c>): one owner at a time, as the Functions host's
/// singleton locks use them. Acquiring a lease someone else holds fails with 409 LeaseAlreadyPresent.
/// </summary>
public sealed class BlobLeaseClient
{
    public static readonly TimeSpan MinLeaseDuration = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan MaxLeaseDuration = TimeSpan.FromSeconds(60);

    /// <summary>A lease that lasts until released or broken (-1 s on the wire).</summary>
    public static readonly TimeSpan InfiniteLeaseDuration = TimeSpan.FromSeconds(-1);

    private readonly BlobClient _blob;

    /// <param name="blob">The leased blob.</param>
    /// <param name="leaseId">This owner's lease id (a GUID string); a new one when null.</param>
    public BlobLeaseClient(BlobClient blob, string? leaseId = null)
    {
        ArgumentNullException.ThrowIfNull(blob);
        if (leaseId is not null && !Guid.TryParse(leaseId, out _))
        {
            throw new ArgumentException($"Lease id '{leaseId}' is not a GUID.", nameof(leaseId));
        }
        _blob = blob;
        LeaseId = leaseId ?? Guid.NewGuid().ToString();
    }

    public string LeaseId { get; }

    public Uri Uri => _blob.Uri;

    /// <summary>Acquires the lease for <paramref name="duration"/>: 15 to 60 seconds, or <see cref="InfiniteLeaseDuration"/>.</summary>
    public async Task<Response<BlobLease>> AcquireAsync(TimeSpan duration, CancellationToken cancellationToken = default)
    {
        if (duration != InfiniteLeaseDuration && (duration < MinLeaseDuration || duration > MaxLeaseDuration || duration.Ticks % TimeSpan.TicksPerSecond != 0))
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration,
                $"A blob lease lasts whole seconds from {MinLeaseDuration.TotalSeconds} to {MaxLeaseDuration.TotalSeconds}, or -1 second for infinite.");
        }
        var request = CreateRequest("acquire");
        request.Headers.SetValue("x-ms-lease-duration", StorageRest.Seconds(duration));
        request.Headers.SetValue("x-ms-proposed-lease-id", LeaseId);
        var response = await StorageRest.SendAsync(_blob.Pipeline, request, cancellationToken, 201).ConfigureAwait(false);
        return Response.FromValue(ReadLease(response), response);
    }

    /// <summary>Renews the lease this owner holds, for the duration it was acquired with.</summary>
    public async Task<Response<BlobLease>> RenewAsync(CancellationToken cancellationToken = default)
    {
        var request = CreateRequest("renew");
        request.Headers.SetValue("x-ms-lease-id", LeaseId);
        var response = await StorageRest.SendAsync(_blob.Pipeline, request, cancellationToken, 200).ConfigureAwait(false);
        return Response.FromValue(ReadLease(response), response);
    }

    /// <summary>Releases the lease this owner holds, so another can acquire it at once.</summary>
    public async Task<Response> ReleaseAsync(CancellationToken cancellationToken = default)
    {
        var request = CreateRequest("release");
        request.Headers.SetValue("x-ms-lease-id", LeaseId);
        return await StorageRest.SendAsync(_blob.Pipeline, request, cancellationToken, 200).ConfigureAwait(false);
    }

    /// <summary>Breaks whoever's lease: it ends after <paramref name="breakPeriod"/> (0 to 60 s; the remaining time when null).</summary>
    public async Task<Response<BlobLease>> BreakAsync(TimeSpan? breakPeriod = null, CancellationToken cancellationToken = default)
    {
        if (breakPeriod is { } period && (period < TimeSpan.Zero || period > MaxLeaseDuration))
        {
            throw new ArgumentOutOfRangeException(nameof(breakPeriod), period, "A lease break period is 0 to 60 seconds.");
        }
        var request = CreateRequest("break");
        if (breakPeriod is { } p) request.Headers.SetValue("x-ms-lease-break-period", StorageRest.Seconds(p));
        var response = await StorageRest.SendAsync(_blob.Pipeline, request, cancellationToken, 202).ConfigureAwait(false);
        var leaseTime = response.Headers.TryGetValue("x-ms-lease-time", out var time)
            ? int.Parse(time, CultureInfo.InvariantCulture)
            : (int?)null;
        return Response.FromValue(ReadLease(response) with { LeaseTime = leaseTime }, response);
    }

    private Request CreateRequest(string action)
    {
        var request = StorageRest.CreateRequest(_blob.Pipeline, RequestMethod.Put, _blob.Uri, ("comp", "lease"));
        request.Headers.SetValue("x-ms-lease-action", action);
        return request;
    }

    private BlobLease ReadLease(Response response) =>
        new(BlobClient.RequiredETag(response),
            BlobClient.LastModified(response),
            response.Headers.TryGetValue("x-ms-lease-id", out var id) ? id : LeaseId);
}
