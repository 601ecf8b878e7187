using System.Text;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Reminders.TestSupport;

namespace Reminders.Storage.Tests.Queues;

/// <summary>The queue clients against a real Azurite.</summary>
public sealed class QueueClientTests
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(60);

    private static QueueServiceClient Service(StorageClientOptions? options = null) => new(TestStorage.ConnectionString, options);

    private static async Task<QueueClient> NewQueueAsync(QueueServiceClient? service = null)
    {
        var queue = (service ?? Service()).GetQueueClient(TestStorage.UniqueName("q"));
        Assert.True(await queue.CreateIfNotExistsAsync());
        return queue;
    }

    /// <summary>Receives until a message arrives (or fails after a generous limit).</summary>
    private static async Task<QueueMessage> ReceiveEventuallyAsync(QueueClient queue, TimeSpan? visibilityTimeout = null)
    {
        var deadline = DateTime.UtcNow + WaitLimit;
        while (true)
        {
            var messages = (await queue.ReceiveMessagesAsync(1, visibilityTimeout)).Value;
            if (messages.Length == 1) return messages[0];
            Assert.True(DateTime.UtcNow < deadline, "No message became visible within the wait limit.");
            await Task.Delay(250);
        }
    }

    [Fact]
    public async Task Create_delete_and_list_queues()
    {
        var service = Service();
        var prefix = TestStorage.UniqueName("ls");
        var first = service.GetQueueClient(prefix + "-a");
        var second = service.GetQueueClient(prefix + "-b");

        Assert.True(await first.CreateIfNotExistsAsync());
        Assert.False(await first.CreateIfNotExistsAsync());
        Assert.True(await second.CreateIfNotExistsAsync());

        var names = new List<string>();
        await foreach (var item in service.GetQueuesAsync(prefix)) names.Add(item.Name);
        Assert.Equal([prefix + "-a", prefix + "-b"], names);

        // The health check reads one page: one request, one queue, a marker to the rest.
        var pages = 0;
        await foreach (var page in service.GetQueuesAsync(prefix).AsPages(pageSizeHint: 1))
        {
            pages++;
            Assert.Equal(prefix + "-a", Assert.Single(page.Values).Name);
            Assert.False(string.IsNullOrEmpty(page.ContinuationToken));
            break;
        }
        Assert.Equal(1, pages);

        Assert.True(await first.DeleteIfExistsAsync());
        Assert.False(await first.DeleteIfExistsAsync());
        names.Clear();
        await foreach (var item in service.GetQueuesAsync(prefix)) names.Add(item.Name);
        Assert.Equal([prefix + "-b"], names);
    }

    [Fact]
    public async Task Send_receive_and_delete_a_message()
    {
        var queue = await NewQueueAsync();

        var receipt = (await queue.SendMessageAsync("hello")).Value;
        Assert.False(string.IsNullOrEmpty(receipt.MessageId));
        Assert.False(string.IsNullOrEmpty(receipt.PopReceipt));
        Assert.True(receipt.ExpirationTime > receipt.InsertionTime.AddDays(6), "default time to live is 7 days");

        var message = Assert.Single((await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value);
        Assert.Equal(receipt.MessageId, message.MessageId);
        Assert.Equal("hello", message.MessageText);
        Assert.True(message.HasValidEncoding);
        Assert.Equal(1, message.DequeueCount);
        Assert.Equal(receipt.InsertionTime, message.InsertedOn);
        Assert.True(message.NextVisibleOn > message.InsertedOn.AddMinutes(4));

        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);

        Assert.Empty((await queue.PeekMessagesAsync(32)).Value);
        Assert.Equal(0, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        var gone = await Assert.ThrowsAsync<RequestFailedException>(() => queue.DeleteMessageAsync(message.MessageId, message.PopReceipt));
        Assert.Equal(404, gone.Status);
        Assert.Equal("MessageNotFound", gone.ErrorCode);
    }

    [Fact]
    public async Task A_message_sent_with_a_visibility_delay_is_invisible_until_the_delay_passes()
    {
        var queue = await NewQueueAsync();

        var receipt = (await queue.SendMessageAsync("later", visibilityTimeout: TimeSpan.FromSeconds(3))).Value;
        Assert.True(receipt.TimeNextVisible >= receipt.InsertionTime.AddSeconds(3));

        Assert.Empty((await queue.ReceiveMessagesAsync(32)).Value);
        Assert.Empty((await queue.PeekMessagesAsync(32)).Value);
        Assert.Equal(1, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);

        var message = await ReceiveEventuallyAsync(queue);
        Assert.Equal("later", message.MessageText);
        Assert.Equal(1, message.DequeueCount);
    }

    [Fact]
    public async Task A_received_message_reappears_after_its_visibility_timeout_with_a_higher_dequeue_count()
    {
        var queue = await NewQueueAsync();
        await queue.SendMessageAsync("again");

        var first = Assert.Single((await queue.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(1))).Value);
        Assert.Equal(1, first.DequeueCount);

        var second = await ReceiveEventuallyAsync(queue, TimeSpan.FromMinutes(5));
        Assert.Equal(first.MessageId, second.MessageId);
        Assert.Equal(2, second.DequeueCount);
        Assert.NotEqual(first.PopReceipt, second.PopReceipt);

        // The first receiver's pop receipt is stale now.
        var stale = await Assert.ThrowsAsync<RequestFailedException>(() => queue.DeleteMessageAsync(first.MessageId, first.PopReceipt));
        Assert.Equal(400, stale.Status);
        Assert.Equal("PopReceiptMismatch", stale.ErrorCode);

        await queue.DeleteMessageAsync(second.MessageId, second.PopReceipt);
        Assert.Equal(0, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task Update_extends_visibility_returns_a_new_pop_receipt_and_can_replace_the_text()
    {
        var queue = await NewQueueAsync();
        await queue.SendMessageAsync("v1");
        var received = Assert.Single((await queue.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(1))).Value);

        var extended = (await queue.UpdateMessageAsync(received.MessageId, received.PopReceipt, null, TimeSpan.FromMinutes(10))).Value;
        Assert.NotEqual(received.PopReceipt, extended.PopReceipt);
        Assert.True(extended.NextVisibleOn > received.NextVisibleOn.AddMinutes(9));

        // Past the original 1 s timeout the message stays hidden.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Empty((await queue.ReceiveMessagesAsync(32)).Value);

        // The old pop receipt no longer works; the new one does.
        var stale = await Assert.ThrowsAsync<RequestFailedException>(
            () => queue.UpdateMessageAsync(received.MessageId, received.PopReceipt, null, TimeSpan.Zero));
        Assert.Equal(400, stale.Status);
        Assert.Equal("PopReceiptMismatch", stale.ErrorCode);

        var released = (await queue.UpdateMessageAsync(received.MessageId, extended.PopReceipt, "v2 ✓", TimeSpan.Zero)).Value;
        Assert.NotEqual(extended.PopReceipt, released.PopReceipt);

        var again = await ReceiveEventuallyAsync(queue);
        Assert.Equal(received.MessageId, again.MessageId);
        Assert.Equal("v2 ✓", again.MessageText);
        Assert.Equal(2, again.DequeueCount);
    }

    [Fact]
    public async Task Base64_is_the_default_and_round_trips_non_ascii_text()
    {
        var queue = await NewQueueAsync();
        Assert.Equal(QueueMessageEncoding.Base64, queue.MessageEncoding);
        const string text = "催付提醒: 订单 #42 <待付款> & “quotes” — ünïcødé 🚚";

        await queue.SendMessageAsync(text);

        // On the wire (as the Functions host writes it): Base64 of the UTF-8 bytes.
        var raw = Assert.Single((await queue.WithMessageEncoding(QueueMessageEncoding.None).PeekMessagesAsync()).Value);
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes(text)), raw.MessageText);

        var peeked = Assert.Single((await queue.PeekMessagesAsync()).Value);
        Assert.Equal(text, peeked.MessageText);
        var received = Assert.Single((await queue.ReceiveMessagesAsync()).Value);
        Assert.Equal(text, received.MessageText);
        Assert.Equal(raw.RawText, received.RawText);
    }

    [Fact]
    public async Task Plain_encoding_round_trips_xml_special_characters()
    {
        var queue = (await NewQueueAsync()).WithMessageEncoding(QueueMessageEncoding.None);
        const string text = "<order id=\"1\"> & 'x' </order> 中文";

        await queue.SendMessageAsync(text);

        var message = Assert.Single((await queue.ReceiveMessagesAsync()).Value);
        Assert.Equal(text, message.MessageText);
        Assert.Equal(text, message.RawText);
    }

    [Fact]
    public async Task A_message_that_is_not_base64_is_received_with_no_text_and_its_raw_body()
    {
        var queue = await NewQueueAsync();
        await queue.WithMessageEncoding(QueueMessageEncoding.None).SendMessageAsync("not base64!");

        var peeked = Assert.Single((await queue.PeekMessagesAsync()).Value);
        Assert.False(peeked.HasValidEncoding);
        Assert.Null(peeked.MessageText);

        var message = Assert.Single((await queue.ReceiveMessagesAsync()).Value);
        Assert.False(message.HasValidEncoding);
        Assert.False(message.TryGetText(out var text));
        Assert.Null(text);
        Assert.Null(message.MessageText);
        Assert.Equal("not base64!", message.RawText);
        Assert.Equal(1, message.DequeueCount);

        // Such a message can still be moved on (deleted by its pop receipt).
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
    }

    [Fact]
    public async Task Approximate_count_and_clear()
    {
        var queue = await NewQueueAsync();
        for (var i = 0; i < 3; i++) await queue.SendMessageAsync($"m{i}");

        Assert.Equal(3, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        Assert.Equal(3, (await queue.ReceiveMessagesAsync(32)).Value.Length);

        await queue.ClearMessagesAsync();
        Assert.Equal(0, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task Peek_does_not_change_the_dequeue_count()
    {
        var queue = await NewQueueAsync();
        var receipt = (await queue.SendMessageAsync("look")).Value;

        for (var i = 0; i < 2; i++)
        {
            var peeked = Assert.Single((await queue.PeekMessagesAsync(32)).Value);
            Assert.Equal(receipt.MessageId, peeked.MessageId);
            Assert.Equal("look", peeked.MessageText);
            Assert.Equal(0, peeked.DequeueCount);
        }

        var received = Assert.Single((await queue.ReceiveMessagesAsync()).Value);
        Assert.Equal(1, received.DequeueCount);
    }

    [Fact]
    public async Task A_message_that_never_expires_carries_the_far_expiry()
    {
        var queue = await NewQueueAsync();
        var receipt = (await queue.SendMessageAsync("forever", timeToLive: QueueClient.NeverExpires)).Value;
        Assert.Equal(9999, receipt.ExpirationTime.Year);

        var received = Assert.Single((await queue.ReceiveMessagesAsync()).Value);
        Assert.Equal(9999, received.ExpiresOn.Year);
    }

    [Fact]
    public async Task A_missing_queue_fails_with_QueueNotFound()
    {
        var queue = Service().GetQueueClient(TestStorage.UniqueName("missing"));

        var send = await Assert.ThrowsAsync<RequestFailedException>(() => queue.SendMessageAsync("x"));
        Assert.Equal(404, send.Status);
        Assert.Equal("QueueNotFound", send.ErrorCode);

        var receive = await Assert.ThrowsAsync<RequestFailedException>(() => queue.ReceiveMessagesAsync());
        Assert.Equal("QueueNotFound", receive.ErrorCode);
    }

    [Fact]
    public async Task The_64_KiB_limit_applies_to_the_encoded_text_and_is_checked_before_sending()
    {
        var counter = new RequestCounter();
        var options = new StorageClientOptions();
        options.AddPolicy(counter, HttpPipelinePosition.PerCall);
        var queue = await NewQueueAsync(Service(options));
        var before = counter.Count;

        // 48 KiB of ASCII is exactly 64 KiB of Base64.
        await queue.SendMessageAsync(new string('a', 48 * 1024));
        Assert.Equal(before + 1, counter.Count);

        var tooLarge = Assert.Throws<ArgumentException>(() => queue.SendMessageAsync(new string('a', 48 * 1024 + 1)).GetAwaiter().GetResult());
        Assert.Contains("65536", tooLarge.Message);
        Assert.Contains(queue.Name, tooLarge.Message);
        Assert.Equal(before + 1, counter.Count);

        var received = Assert.Single((await queue.ReceiveMessagesAsync()).Value);
        Assert.Equal(48 * 1024, received.MessageText!.Length);
    }

    [Fact]
    public async Task Invalid_names_and_arguments_are_rejected_before_any_request()
    {
        var counter = new RequestCounter();
        var options = new StorageClientOptions();
        options.AddPolicy(counter, HttpPipelinePosition.PerCall);
        var service = Service(options);

        foreach (var bad in new[] { "Orders", "ab", "a--b", "-abc", "abc-", "with_underscore", new string('a', 64) })
        {
            var e = Assert.Throws<ArgumentException>(() => service.GetQueueClient(bad));
            Assert.Contains($"'{bad}'", e.Message);
        }
        Assert.Throws<ArgumentException>(() => new QueueClient(TestStorage.ConnectionString, "Bad Name", options));

        var queue = service.GetQueueClient(TestStorage.UniqueName("args"));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => queue.ReceiveMessagesAsync(0));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => queue.ReceiveMessagesAsync(33));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => queue.ReceiveMessagesAsync(1, TimeSpan.Zero));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => queue.PeekMessagesAsync(33));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => queue.SendMessageAsync("x", TimeSpan.FromDays(8)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => queue.SendMessageAsync("x", TimeSpan.FromSeconds(-1)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => queue.SendMessageAsync("x", timeToLive: TimeSpan.Zero));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => queue.SendMessageAsync("x", TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(1)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => queue.UpdateMessageAsync("id", "pop", null, TimeSpan.FromDays(7.5)));
        await Assert.ThrowsAsync<ArgumentException>(() => queue.DeleteMessageAsync("id", ""));
        await Assert.ThrowsAsync<ArgumentException>(() => queue.WithMessageEncoding(QueueMessageEncoding.None).SendMessageAsync("bell \u0007"));

        Assert.Equal(0, counter.Count);
    }

    [Fact]
    public async Task Endpoint_and_shared_key_constructor_reaches_the_same_queues()
    {
        var connection = StorageConnectionString.Parse(TestStorage.ConnectionString);
        var queue = await NewQueueAsync();
        await queue.SendMessageAsync("via key");

        var byKey = new QueueServiceClient(connection.QueueEndpoint, connection.Credential!).GetQueueClient(queue.Name);
        Assert.Equal("via key", Assert.Single((await byKey.PeekMessagesAsync()).Value).MessageText);

        var wrongKey = new QueueServiceClient(connection.QueueEndpoint, new StorageSharedKeyCredential(connection.AccountName, Convert.ToBase64String(new byte[64])));
        var denied = await Assert.ThrowsAsync<RequestFailedException>(() => wrongKey.GetQueueClient(queue.Name).PeekMessagesAsync());
        Assert.Equal(403, denied.Status);
    }

    private sealed class RequestCounter : HttpPipelineSynchronousPolicy
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _count);
    }
}
