using Azure;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Reminders.TestSupport;

namespace Functions.LocalHost.Tests;

public sealed class QueueTriggerTests
{
    private readonly QueueServiceClient _queues = new(TestStorage.ConnectionString);
    private readonly QueueServiceClient _base64Queues = new(TestStorage.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
    private readonly string _queueName = TestStorage.UniqueName("q");
    private readonly QueueProbe _probe = new();

    /// <summary>Sends and reads messages as the app does: Base64, as the queue trigger expects.</summary>
    private QueueClient Queue => _base64Queues.GetQueueClient(_queueName);

    private QueueClient RawQueue => _queues.GetQueueClient(_queueName);

    private QueueClient Poison => _base64Queues.GetQueueClient(_queueName + "-poison");

    private WebApplication BuildHost(Dictionary<string, string?>? settings = null, QueueProbe? probe = null, TimeSpan? shutdownTimeout = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["ProbeQueue"] = _queueName,
            ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.500",
        };
        foreach (var (key, value) in settings ?? []) all[key] = value;
        return TestHost.Build(all, [typeof(ProbeQueueFunction)], services => services.AddSingleton(probe ?? _probe), shutdownTimeout);
    }

    private async Task<int> ApproximateCountAsync(QueueClient queue) => (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;

    private async Task<bool> ExistsWithMessagesAsync(QueueClient queue) => await queue.ExistsAsync() && await ApproximateCountAsync(queue) > 0;

    [Fact]
    public async Task A_message_that_keeps_failing_lands_in_the_poison_queue_with_its_original_text_after_five_tries()
    {
        await Queue.CreateIfNotExistsAsync();
        await Queue.SendMessageAsync("{\"orderId\":\"o-1\",\"kind\":\"payment_due\"}");
        _probe.Behavior = (_, _) => throw new InvalidOperationException("provider down");

        await using var host = BuildHost();
        await host.StartAsync();
        await TestHost.WaitUntilAsync(() => ExistsWithMessagesAsync(Poison), "the message is poisoned");
        await host.StopAsync();

        Assert.Equal([1L, 2L, 3L, 4L, 5L], _probe.Calls.Select(c => c.DequeueCount));
        var poisoned = Assert.Single((await Poison.ReceiveMessagesAsync(32)).Value);
        Assert.Equal("{\"orderId\":\"o-1\",\"kind\":\"payment_due\"}", poisoned.Body.ToString());
        Assert.Equal(0, await ApproximateCountAsync(Queue));
    }

    [Fact]
    public async Task MaxDequeueCount_and_visibilityTimeout_come_from_settings()
    {
        await Queue.CreateIfNotExistsAsync();
        await Queue.SendMessageAsync("twice");
        _probe.Behavior = (_, _) => throw new InvalidOperationException("always");

        await using var host = BuildHost(new()
        {
            ["AzureFunctionsJobHost:extensions:queues:maxDequeueCount"] = "2",
            ["AzureFunctionsJobHost:extensions:queues:visibilityTimeout"] = "00:00:01",
        });
        await host.StartAsync();
        await TestHost.WaitUntilAsync(() => ExistsWithMessagesAsync(Poison), "the message is poisoned");
        await host.StopAsync();

        var calls = _probe.Calls.ToList();
        Assert.Equal(2, calls.Count);
        // The failed message stayed hidden for the visibilityTimeout before its second try.
        Assert.True(calls[1].NextVisibleOn - calls[0].NextVisibleOn >= TimeSpan.FromSeconds(1));
        Assert.Equal("twice", Assert.Single((await Poison.ReceiveMessagesAsync(32)).Value).Body.ToString());
    }

    [Fact]
    public async Task A_message_that_is_not_base64_goes_to_poison_at_once_without_running()
    {
        await Queue.CreateIfNotExistsAsync();
        await RawQueue.SendMessageAsync("plain text, not base64!");
        await Queue.SendMessageAsync("valid");

        await using var host = BuildHost();
        await host.StartAsync();
        await TestHost.WaitUntilAsync(async () => !_probe.Calls.IsEmpty && await ExistsWithMessagesAsync(Poison), "both messages are handled");
        await TestHost.WaitUntilAsync(async () => await ApproximateCountAsync(Queue) == 0, "the queue is empty");
        await host.StopAsync();

        Assert.Equal("valid", Assert.Single(_probe.Calls).Body.ToString());
        var poisoned = Assert.Single((await _queues.GetQueueClient(_queueName + "-poison").ReceiveMessagesAsync(32)).Value);
        Assert.Equal(("plain text, not base64!", 1L), (poisoned.Body.ToString(), poisoned.DequeueCount));
    }

    [Fact]
    public async Task A_message_received_more_often_than_maxDequeueCount_goes_to_poison_without_running()
    {
        await Queue.CreateIfNotExistsAsync();
        await Queue.SendMessageAsync("worn out");
        for (var i = 0; i < 5; i++)
        {
            // Each receive counts a dequeue; the update makes the message visible again at once.
            var received = Assert.Single((await Queue.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(30))).Value);
            await Queue.UpdateMessageAsync(received.MessageId, received.PopReceipt, (string?)null, TimeSpan.Zero);
        }
        await Queue.SendMessageAsync("fresh");

        await using var host = BuildHost();
        await host.StartAsync();
        await TestHost.WaitUntilAsync(async () => !_probe.Calls.IsEmpty && await ExistsWithMessagesAsync(Poison), "both messages are handled");
        await host.StopAsync();

        Assert.Equal("fresh", Assert.Single(_probe.Calls).Body.ToString());
        Assert.Equal("worn out", Assert.Single((await Poison.ReceiveMessagesAsync(32)).Value).Body.ToString());
    }

    [Fact]
    public async Task A_batch_runs_concurrently()
    {
        const int count = 6;
        await Queue.CreateIfNotExistsAsync();
        for (var i = 0; i < count; i++) await Queue.SendMessageAsync($"m{i}");
        // Each message waits until all have started: run one after another, the first would time out and fail.
        var arrived = 0;
        var allArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _probe.Behavior = async (_, ct) =>
        {
            if (Interlocked.Increment(ref arrived) == count) allArrived.SetResult();
            await allArrived.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
        };

        await using var host = BuildHost(new() { ["AzureFunctionsJobHost:extensions:queues:batchSize"] = "8", ["AzureFunctionsJobHost:extensions:queues:newBatchThreshold"] = "0" });
        await host.StartAsync();
        await TestHost.WaitUntilAsync(async () => await ApproximateCountAsync(Queue) == 0, "every message is deleted");
        await host.StopAsync();

        Assert.Equal(count, _probe.Calls.Count);
        Assert.All(_probe.Calls, c => Assert.Equal(1, c.DequeueCount));
    }

    [Fact]
    public async Task A_host_stopped_mid_message_leaves_it_for_another_host()
    {
        await Queue.CreateIfNotExistsAsync();
        await Queue.SendMessageAsync("order o-9 reminder");
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var neverFinishes = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stuckProbe = new QueueProbe
        {
            Behavior = async (_, _) =>
            {
                started.TrySetResult();
                await neverFinishes.Task; // ignores cancellation, like a hung provider call
            },
        };

        var first = BuildHost(probe: stuckProbe, shutdownTimeout: TimeSpan.FromMilliseconds(200));
        await first.StartAsync();
        await started.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await first.StopAsync(new CancellationToken(canceled: true));
        await first.DisposeAsync();

        await using var second = BuildHost();
        await second.StartAsync();
        await TestHost.WaitUntilAsync(async () => !_probe.Calls.IsEmpty && await ApproximateCountAsync(Queue) == 0, "the second host processes the message");
        await second.StopAsync();
        neverFinishes.SetResult();

        var call = Assert.Single(_probe.Calls);
        Assert.Equal(("order o-9 reminder", 2L), (call.Body.ToString(), call.DequeueCount));
    }

    [Fact]
    public async Task A_long_running_message_is_kept_hidden_until_it_finishes()
    {
        await Queue.CreateIfNotExistsAsync();
        await Queue.SendMessageAsync("slow");
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _probe.Behavior = async (_, ct) =>
        {
            started.TrySetResult();
            await finish.Task.WaitAsync(ct);
        };

        // Renewed every 4 s: a busy 2-core machine running every test project against one Azurite may hold up a
        // renewal for a few seconds; it stays hidden unless one is late by the whole 4 s to spare.
        await using var host = BuildHost(new() { [QueueTriggerOptions.ReceiveVisibilityKey] = "00:00:08" });
        await host.StartAsync();
        await started.Task.WaitAsync(TimeSpan.FromSeconds(60));
        // One and a half times the receive visibility timeout: without renewals the message would be visible by now.
        await Task.Delay(TimeSpan.FromSeconds(12));
        var visibleWhileRunning = (await Queue.PeekMessagesAsync(32)).Value.Length;
        finish.SetResult();
        await TestHost.WaitUntilAsync(async () => await ApproximateCountAsync(Queue) == 0, "the message is deleted");
        await host.StopAsync();

        Assert.Equal(0, visibleWhileRunning);
        Assert.Single(_probe.Calls);
    }

    [Fact]
    public async Task The_queue_is_created_at_start_up_and_then_served()
    {
        await using var host = BuildHost();
        await host.StartAsync();
        await TestHost.WaitUntilAsync(async () => (await Queue.ExistsAsync()).Value, "the listener creates the queue");
        await Queue.SendMessageAsync("first");
        await TestHost.WaitUntilAsync(() => !_probe.Calls.IsEmpty, "the message is processed");
        await host.StopAsync();

        Assert.Equal("first", Assert.Single(_probe.Calls).Body.ToString());
    }

    [Fact]
    public async Task Messages_without_encoding_are_read_as_plain_text()
    {
        await RawQueue.CreateIfNotExistsAsync();
        await RawQueue.SendMessageAsync("plain <text> & more");

        await using var host = BuildHost(new() { ["AzureFunctionsJobHost:extensions:queues:messageEncoding"] = "none" });
        await host.StartAsync();
        await TestHost.WaitUntilAsync(() => !_probe.Calls.IsEmpty, "the message is processed");
        await host.StopAsync();

        Assert.Equal("plain <text> & more", Assert.Single(_probe.Calls).Body.ToString());
    }

    [Fact]
    public async Task Invalid_queue_settings_stop_the_host_from_starting()
    {
        await using var host = BuildHost(new() { ["AzureFunctionsJobHost:extensions:queues:batchSize"] = "100" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(error.Failures, f => f.Contains("batchSize", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_missing_queue_setting_stops_the_host_naming_it()
    {
        await using var host = TestHost.Build(new Dictionary<string, string?>(), [typeof(ProbeQueueFunction)], services => services.AddSingleton(_probe));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Equal("The queue of function 'ProbeQueue' uses the setting 'ProbeQueue' (%ProbeQueue%), which is not set.", error.Message);
    }
}
