using Azure;
using Reminders.TestSupport;

namespace Reminders.Storage.Tests.Blobs;

/// <summary>Blob leases against a real Azurite, as a Functions-style singleton lock uses them.</summary>
public sealed class BlobLeaseClientTests
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(90);

    private static async Task<BlobClient> NewLockBlobAsync()
    {
        var container = new BlobServiceClient(TestStorage.ConnectionString).GetBlobContainerClient(TestStorage.UniqueName("locks"));
        await container.CreateIfNotExistsAsync();
        var blob = container.GetBlobClient("locks/host/Function.Listener");
        await blob.UploadAsync(BinaryData.Empty);
        return blob;
    }

    private static async Task<RequestFailedException> AssertHeldAsync(BlobLeaseClient contender)
    {
        var held = await Assert.ThrowsAsync<RequestFailedException>(() => contender.AcquireAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal(409, held.Status);
        Assert.Equal("LeaseAlreadyPresent", held.ErrorCode);
        return held;
    }

    [Fact]
    public async Task One_owner_at_a_time_until_released()
    {
        var blob = await NewLockBlobAsync();
        var a = blob.GetBlobLeaseClient();
        var b = new BlobLeaseClient(blob);
        Assert.NotEqual(a.LeaseId, b.LeaseId);

        var acquired = (await a.AcquireAsync(TimeSpan.FromSeconds(60))).Value;
        Assert.Equal(a.LeaseId, acquired.LeaseId);
        await AssertHeldAsync(b);

        // The owner may acquire again with its own id and renew.
        await a.AcquireAsync(TimeSpan.FromSeconds(60));
        var renewed = (await a.RenewAsync()).Value;
        Assert.Equal(a.LeaseId, renewed.LeaseId);
        await AssertHeldAsync(b);

        // Only the owner can renew or release.
        var notOwner = await Assert.ThrowsAsync<RequestFailedException>(() => b.RenewAsync());
        Assert.Equal(409, notOwner.Status);

        await a.ReleaseAsync();
        var taken = (await b.AcquireAsync(TimeSpan.FromSeconds(15))).Value;
        Assert.Equal(b.LeaseId, taken.LeaseId);
        await AssertHeldAsync(a);
    }

    [Fact]
    public async Task An_expired_lease_is_taken_over_and_a_renewed_one_is_kept()
    {
        var blob = await NewLockBlobAsync();
        var a = new BlobLeaseClient(blob);
        var b = new BlobLeaseClient(blob);
        await a.AcquireAsync(TimeSpan.FromSeconds(15));
        await AssertHeldAsync(b);

        // Renewing every few seconds keeps the lease past its first 15 s.
        var keepUntil = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < keepUntil)
        {
            await Task.Delay(TimeSpan.FromSeconds(4));
            await a.RenewAsync();
            await AssertHeldAsync(b);
        }

        // Left alone, it expires and the other instance takes over.
        var deadline = DateTime.UtcNow + WaitLimit;
        BlobLease? taken = null;
        while (taken is null)
        {
            try
            {
                taken = (await b.AcquireAsync(TimeSpan.FromSeconds(15))).Value;
            }
            catch (RequestFailedException e) when (e.Status == 409 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
        Assert.Equal(b.LeaseId, taken.LeaseId);

        var lost = await Assert.ThrowsAsync<RequestFailedException>(() => a.RenewAsync());
        Assert.Equal(409, lost.Status);
    }

    [Fact]
    public async Task A_broken_infinite_lease_frees_the_blob()
    {
        var blob = await NewLockBlobAsync();
        var a = new BlobLeaseClient(blob);
        var b = new BlobLeaseClient(blob);
        await a.AcquireAsync(BlobLeaseClient.InfiniteLeaseDuration);
        await AssertHeldAsync(b);

        var broken = (await b.BreakAsync(TimeSpan.Zero)).Value;
        Assert.Equal(0, broken.LeaseTime);

        await b.AcquireAsync(TimeSpan.FromSeconds(15));
        await AssertHeldAsync(a);
    }

    [Fact]
    public async Task A_leased_blob_is_written_only_with_its_lease_id()
    {
        var blob = await NewLockBlobAsync();
        var lease = new BlobLeaseClient(blob);
        await lease.AcquireAsync(TimeSpan.FromSeconds(30));

        var withoutLease = await Assert.ThrowsAsync<RequestFailedException>(() => blob.UploadAsync(BinaryData.FromString("x"), overwrite: true));
        Assert.Equal(412, withoutLease.Status);
        Assert.Equal("LeaseIdMissing", withoutLease.ErrorCode);

        await blob.UploadAsync(BinaryData.FromString("x"), new BlobUploadOptions { Conditions = new() { LeaseId = lease.LeaseId } });
        Assert.Equal("x", (await blob.DownloadContentAsync()).Value.Content.ToString());
        await lease.ReleaseAsync();
    }

    [Fact]
    public async Task Singleton_lock_flow_creates_the_container_and_blob_on_404_then_acquires()
    {
        var hostId = TestStorage.UniqueName("host");
        var container = new BlobServiceClient(TestStorage.ConnectionString).GetBlobContainerClient(TestStorage.UniqueName("hosts"));
        var blob = container.GetBlobClient($"locks/{hostId}/PaymentDueSweep.Listener");
        var lease = new BlobLeaseClient(blob);

        var noContainer = await Assert.ThrowsAsync<RequestFailedException>(() => lease.AcquireAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(404, noContainer.Status);
        Assert.Equal("ContainerNotFound", noContainer.ErrorCode);
        await container.CreateIfNotExistsAsync();

        var noBlob = await Assert.ThrowsAsync<RequestFailedException>(() => lease.AcquireAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(404, noBlob.Status);
        Assert.Equal("BlobNotFound", noBlob.ErrorCode);
        await blob.UploadAsync(BinaryData.Empty);

        await lease.AcquireAsync(TimeSpan.FromSeconds(60));
        await AssertHeldAsync(new BlobLeaseClient(blob));

        // A second instance racing to create the empty blob must not disturb the held lease.
        var race = await Assert.ThrowsAsync<RequestFailedException>(() => blob.UploadAsync(BinaryData.Empty));
        Assert.Equal(409, race.Status);
        await lease.RenewAsync();
    }
}
