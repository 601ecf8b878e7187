using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Reminders.TestSupport;

namespace Reminders.Storage.Tests.Blobs;

/// <summary>The blob clients against a real Azurite.</summary>
public sealed class BlobClientTests
{
    private static BlobServiceClient Service(StorageClientOptions? options = null) => new(TestStorage.ConnectionString, options);

    private static async Task<BlobContainerClient> NewContainerAsync()
    {
        var container = Service().GetBlobContainerClient(TestStorage.UniqueName("c"));
        Assert.True(await container.CreateIfNotExistsAsync());
        return container;
    }

    [Fact]
    public async Task Create_delete_and_list_containers()
    {
        var service = Service();
        var prefix = TestStorage.UniqueName("ls");
        var first = service.GetBlobContainerClient(prefix + "-a");
        var second = service.GetBlobContainerClient(prefix + "-b");

        Assert.False(await first.ExistsAsync());
        Assert.True(await first.CreateIfNotExistsAsync());
        Assert.False(await first.CreateIfNotExistsAsync());
        Assert.True(await first.ExistsAsync());
        Assert.True(await second.CreateIfNotExistsAsync());

        var names = new List<string>();
        await foreach (var item in service.GetBlobContainersAsync(prefix)) names.Add(item.Name);
        Assert.Equal([prefix + "-a", prefix + "-b"], names);

        await foreach (var page in service.GetBlobContainersAsync(prefix).AsPages(pageSizeHint: 1))
        {
            Assert.Equal(prefix + "-a", Assert.Single(page.Values).Name);
            Assert.False(string.IsNullOrEmpty(page.ContinuationToken));
            break;
        }

        Assert.True(await first.DeleteIfExistsAsync());
        Assert.False(await first.DeleteIfExistsAsync());
        names.Clear();
        await foreach (var item in service.GetBlobContainersAsync(prefix)) names.Add(item.Name);
        Assert.Equal([prefix + "-b"], names);
    }

    [Fact]
    public async Task Upload_download_exists_and_delete()
    {
        var container = await NewContainerAsync();
        var blob = container.GetBlobClient("timers/host-1/PaymentDueSweep/status");

        Assert.False(await blob.ExistsAsync());
        Assert.Null(await blob.DownloadContentIfExistsAsync());
        var missing = await Assert.ThrowsAsync<RequestFailedException>(() => blob.DownloadContentAsync());
        Assert.Equal(404, missing.Status);
        Assert.Equal("BlobNotFound", missing.ErrorCode);

        var json = """{"Last":"2026-01-05T12:00:00Z","Next":"2026-01-05T12:01:00Z"}""";
        var info = (await blob.UploadAsync(BinaryData.FromString(json), new BlobUploadOptions { ContentType = "application/json" })).Value;

        Assert.True(await blob.ExistsAsync());
        var downloaded = (await blob.DownloadContentAsync()).Value;
        Assert.Equal(json, downloaded.Content.ToString());
        Assert.Equal(info.ETag, downloaded.ETag);
        Assert.Equal("application/json", downloaded.ContentType);
        Assert.Equal(info.ETag, (await blob.DownloadContentIfExistsAsync())!.ETag);

        Assert.True(await blob.DeleteIfExistsAsync());
        Assert.False(await blob.DeleteIfExistsAsync());
        Assert.False(await blob.ExistsAsync());
    }

    [Fact]
    public async Task A_blob_in_a_missing_container_fails_with_ContainerNotFound()
    {
        var blob = Service().GetBlobContainerClient(TestStorage.UniqueName("none")).GetBlobClient("x");

        var upload = await Assert.ThrowsAsync<RequestFailedException>(() => blob.UploadAsync(BinaryData.FromString("x")));
        Assert.Equal(404, upload.Status);
        Assert.Equal("ContainerNotFound", upload.ErrorCode);
        Assert.Null(await blob.DownloadContentIfExistsAsync());
        Assert.False(await blob.ExistsAsync());
    }

    [Fact]
    public async Task Names_needing_escapes_are_signed_and_stored_as_given()
    {
        var container = await NewContainerAsync();
        var blob = container.GetBlobClient("locks/host 1/订单 + 100%/Sweep.Listener");

        await blob.UploadAsync(BinaryData.FromString("ok"));

        Assert.Equal("ok", (await blob.DownloadContentAsync()).Value.Content.ToString());
        Assert.Contains("%20", blob.Uri.AbsoluteUri);
    }

    [Fact]
    public async Task Upload_without_overwrite_keeps_an_existing_blob()
    {
        var container = await NewContainerAsync();
        var blob = container.GetBlobClient("once");
        await blob.UploadAsync(BinaryData.FromString("first"));

        var conflict = await Assert.ThrowsAsync<RequestFailedException>(() => blob.UploadAsync(BinaryData.FromString("second")));
        Assert.Equal(409, conflict.Status);
        Assert.Equal("BlobAlreadyExists", conflict.ErrorCode);
        Assert.Equal("first", (await blob.DownloadContentAsync()).Value.Content.ToString());

        await blob.UploadAsync(BinaryData.FromString("third"), overwrite: true);
        Assert.Equal("third", (await blob.DownloadContentAsync()).Value.Content.ToString());
    }

    [Fact]
    public async Task If_match_uploads_succeed_only_on_the_current_etag()
    {
        var container = await NewContainerAsync();
        var blob = container.GetBlobClient("status");
        var v1 = (await blob.UploadAsync(BinaryData.FromString("v1"))).Value;

        // Instance A writes on top of v1.
        var v2 = (await blob.UploadAsync(BinaryData.FromString("v2"), new BlobUploadOptions { Conditions = new() { IfMatch = v1.ETag } })).Value;
        Assert.NotEqual(v1.ETag, v2.ETag);

        // Instance B, still holding v1's ETag, must not clobber A's write.
        var stale = await Assert.ThrowsAsync<RequestFailedException>(
            () => blob.UploadAsync(BinaryData.FromString("v2-b"), new BlobUploadOptions { Conditions = new() { IfMatch = v1.ETag } }));
        Assert.Equal(412, stale.Status);
        Assert.Equal("ConditionNotMet", stale.ErrorCode);

        var exists = await Assert.ThrowsAsync<RequestFailedException>(
            () => blob.UploadAsync(BinaryData.FromString("new"), new BlobUploadOptions { Conditions = new() { IfNoneMatch = ETag.All } }));
        Assert.Equal(409, exists.Status);

        var current = (await blob.DownloadContentAsync()).Value;
        Assert.Equal("v2", current.Content.ToString());
        Assert.Equal(v2.ETag, current.ETag);

        var staleRead = await Assert.ThrowsAsync<RequestFailedException>(
            () => blob.DownloadContentAsync(new BlobRequestConditions { IfMatch = v1.ETag }));
        Assert.Equal(412, staleRead.Status);
    }

    [Fact]
    public async Task Invalid_names_and_lease_durations_are_rejected_before_any_request()
    {
        var counter = new RequestCounter();
        var options = new StorageClientOptions();
        options.AddPolicy(counter, HttpPipelinePosition.PerCall);
        var service = Service(options);

        foreach (var bad in new[] { "Hosts", "ab", "a--b", "-abc", "has_underscore" })
        {
            var e = Assert.Throws<ArgumentException>(() => service.GetBlobContainerClient(bad));
            Assert.Contains($"'{bad}'", e.Message);
        }
        var container = service.GetBlobContainerClient(TestStorage.UniqueName("c"));
        Assert.Throws<ArgumentException>(() => container.GetBlobClient(""));
        Assert.Throws<ArgumentException>(() => container.GetBlobClient(new string('b', 1025)));
        var control = Assert.Throws<ArgumentException>(() => container.GetBlobClient("line\nbreak"));
        Assert.Contains("line\\u000Abreak", control.Message);
        Assert.Throws<ArgumentException>(() => new BlobClient(TestStorage.ConnectionString, "Bad", "blob", options));

        var lease = container.GetBlobClient("lock").GetBlobLeaseClient();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => lease.AcquireAsync(TimeSpan.FromSeconds(14)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => lease.AcquireAsync(TimeSpan.FromSeconds(61)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => lease.AcquireAsync(TimeSpan.FromSeconds(20.5)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => lease.BreakAsync(TimeSpan.FromSeconds(61)));
        Assert.Throws<ArgumentException>(() => new BlobLeaseClient(container.GetBlobClient("lock"), "not-a-guid"));
        Assert.Equal(0, counter.Count);

        // The counter does see requests that go out.
        Assert.False(await container.ExistsAsync());
        Assert.Equal(1, counter.Count);
    }

    [Fact]
    public async Task Endpoint_and_shared_key_constructor_reaches_the_same_blobs()
    {
        var connection = StorageConnectionString.Parse(TestStorage.ConnectionString);
        var container = await NewContainerAsync();
        await container.GetBlobClient("b").UploadAsync(BinaryData.FromString("via key"));

        var byKey = new BlobServiceClient(connection.BlobEndpoint, connection.Credential!);
        var content = (await byKey.GetBlobContainerClient(container.Name).GetBlobClient("b").DownloadContentAsync()).Value.Content;
        Assert.Equal("via key", content.ToString());
    }

    internal sealed class RequestCounter : HttpPipelineSynchronousPolicy
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _count);
    }
}
