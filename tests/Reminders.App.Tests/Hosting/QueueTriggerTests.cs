using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Reminders.App.Hosting;
using Reminders.Storage;
using Reminders.TestSupport;

namespace Reminders.App.Tests.Hosting;

public sealed class QueueTriggerTests
{
    private readonly QueueServiceClient _queues = new(TestStorage.ConnectionString);
    private readonly string _queueName = TestStorage.UniqueName("q");
    private readonly QueueProbe _probe = new();
    private readonly RecordingPoisonObserver _observer = new();

    private QueueClient Queue => _queues.GetQueueClient(_queueName);

    private QueueClient Poison(QueueMessageEncoding encoding) => _queues.GetQueueClient(_queueName + "-poison").WithMessageEncoding(encoding);

    private IHost BuildHost(Dictionary<string, string?>? settings = null, QueueTriggerOptions? options = null, QueueProbe? probe = null, TimeSpan? shutdownTimeout = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["ProbeQueue"] = _queueName,
            ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.500",
        };
        foreach (var (key, value) in settings ?? []) all[key] = value;
        return TestTriggerHost.Build(all, [typeof(ProbeQueueFunction)], services =>
        {
            services.AddSingleton(probe ?? _probe);
            services.AddSingleton<IPoisonMessageObserver>(_observer);
            if (options is not null) services.AddSingleton(options);
        }, shutdownTimeout);
    }

    private async Task<int> ApproximateCountAsync(QueueClient queue) => (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;

    [Fact]
    public async Task A_message_that_keeps_failing_lands_in_the_poison_queue_with_its_original_text_after_five_tries()
    {
        await Queue.CreateIfNotExistsAsync();
        await Queue.SendMessageAsync("{\"orderId\":\"o-1\",\"kind\":\"payment_due\"}");
        _probe.Behavior = (_, _) => throw new InvalidOperationException("provider down");

        using var host = BuildHost();
        await host.StartAsync();
        await TestTriggerHost.WaitUntilAsync(() => !_observer.Poisoned.IsEmpty, "the message is poisoned");
        await host.StopAsync();

        Assert.Equal([1L, 2L, 3L, 4L, 5L], _probe.Calls.Select(c => c.DequeueCount));
        var poisoned = Assert.Single((await Poison(QueueMessageEncoding.Base64).ReceiveMessagesAsync(32)).Value).MessageText;
        Assert.Equal("{\"orderId\":\"o-1\",\"kind\":\"payment_due\"}", poisoned);
        Assert.Equal(0, await ApproximateCountAsync(Queue));
        var notice = Assert.Single(_observer.Poisoned);
        Assert.Equal(("ProbeQueue", _queueName, _queueName + "-poison", "{\"orderId\":\"o-1\",\"kind\":\"payment_due\"}", 5L, PoisonReason.MaxDequeueCountReached),
            (notice.FunctionName, notice.QueueName, notice.PoisonQueueName, notice.MessageText, notice.DequeueCount, notice.Reason));
    }

    [Fact]
    public async Task MaxDequeueCount_and_visibilityTimeout_come_from_settings()
    {
        await Queue.CreateIfNotExistsAsync();
        await Queue.SendMessageAsync("twice");
        _probe.Behavior = (_, _) => throw new InvalidOperationException("always");

        using var host = BuildHost(new()
        {
            ["AzureFunctionsJobHost:extensions:queues:maxDequeueCount"] = "2",
            ["AzureFunctionsJobHost:extensions:queues:visibilityTimeout"] = "00:00:01",
        });
        await host.StartAsync();
        await TestTriggerHost.WaitUntilAsync(() => !_observer.Poisoned.IsEmpty, "the message is poisoned");
        await host.StopAsync();

        Assert.Equal(2, _probe.Calls.Count);
        Assert.Equal("twice", Assert.Single((await Poison(QueueMessageEncoding.Base64).ReceiveMessagesAsync(32)).Value).MessageText);
    }

    [Fact]
    public async Task A_message_that_is_not_base64_goes_to_poison_at_once_without_running()
    {
        await Queue.CreateIfNotExistsAsync();
        await Queue.WithMessageEncoding(QueueMessageEncoding.None).SendMessageAsync("plain text, not base64!");
        await Queue.SendMessageAsync("valid");

        using var host = BuildHost();
        await host.StartAsync();
        await TestTriggerHost.WaitUntilAsync(() => !_observer.Poisoned.IsEmpty && !_probe.Calls.IsEmpty, "both messages are handled");
        await TestTriggerHost.WaitUntilAsync(async () => await ApproximateCountAsync(Queue) == 0, "the queue is empty");
        await host.StopAsync();

        Assert.Equal("valid", Assert.Single(_probe.Calls).Text);
        var poisoned = Assert.Single((await Poison(QueueMessageEncoding.None).ReceiveMessagesAsync(32)).Value);
        Assert.Equal("plain text, not base64!", poisoned.MessageText);
        var notice = Assert.Single(_observer.Poisoned);
        Assert.Equal((PoisonReason.InvalidEncoding, 1L, "plain text, not base64!"), (notice.Reason, notice.DequeueCount, notice.MessageText));
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
            await Queue.UpdateMessageAsync(received.MessageId, received.PopReceipt, null, TimeSpan.Zero);
        }
        await Queue.SendMessageAsync("fresh");

        using var host = BuildHost();
        await host.StartAsync();
        await TestTriggerHost.WaitUntilAsync(() => !_observer.Poisoned.IsEmpty && !_probe.Calls.IsEmpty, "both messages are handled");
        await host.StopAsync();

        Assert.Equal("fresh", Assert.Single(_probe.Calls).Text);
        var notice = Assert.Single(_observer.Poisoned);
        Assert.Equal((PoisonReason.DequeueCountExceeded, 6L, "worn out"), (notice.Reason, notice.DequeueCount, notice.MessageText));
        Assert.Equal("worn out", Assert.Single((await Poison(QueueMessageEncoding.Base64).ReceiveMessagesAsync(32)).Value).MessageText);
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

        using var host = BuildHost(new() { ["AzureFunctionsJobHost:extensions:queues:batchSize"] = "8", ["AzureFunctionsJobHost:extensions:queues:newBatchThreshold"] = "0" });
        await host.StartAsync();
        await TestTriggerHost.WaitUntilAsync(async () => await ApproximateCountAsync(Queue) == 0, "every message is deleted");
        await host.StopAsync();

        Assert.Equal(count, _probe.Calls.Count);
        Assert.All(_probe.Calls, c => Assert.Equal(1, c.DequeueCount));
        Assert.Empty(_observer.Poisoned);
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
        first.Dispose();

        using var second = BuildHost();
        await second.StartAsync();
        await TestTriggerHost.WaitUntilAsync(async () => !_probe.Calls.IsEmpty && await ApproximateCountAsync(Queue) == 0, "the second host processes the message");
        await second.StopAsync();
        neverFinishes.SetResult();

        var call = Assert.Single(_probe.Calls);
        Assert.Equal(("order o-9 reminder", 2L), (call.Text, call.DequeueCount));
        Assert.Empty(_observer.Poisoned);
    }

    [Fact]
    public async Task A_function_may_ask_for_its_own_retry_delay()
    {
        await Queue.CreateIfNotExistsAsync();
        await Queue.SendMessageAsync("rate limited");
        _probe.Behavior = (_, _) => throw new RetryAfterException(TimeSpan.FromHours(1), "429 from the SMS provider");

        using var host = BuildHost();
        await host.StartAsync();
        await TestTriggerHost.WaitUntilAsync(() => !_probe.Calls.IsEmpty, "the function runs");
        await host.StopAsync();

        // Still in the queue, but hidden for the hour the function asked for (visibilityTimeout is 0 here).
        Assert.Single(_probe.Calls);
        Assert.Equal(1, await ApproximateCountAsync(Queue));
        Assert.Empty((await Queue.PeekMessagesAsync(32)).Value);
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
        var options = new QueueTriggerOptions { MaxPollingInterval = TimeSpan.FromMilliseconds(500), ReceiveVisibilityTimeout = TimeSpan.FromSeconds(2) };

        using var host = BuildHost(options: options);
        await host.StartAsync();
        await started.Task.WaitAsync(TimeSpan.FromSeconds(60));
        // Three times the receive visibility timeout: without renewals the message would be visible by now.
        await Task.Delay(TimeSpan.FromSeconds(6));
        var visibleWhileRunning = (await Queue.PeekMessagesAsync(32)).Value.Length;
        finish.SetResult();
        await TestTriggerHost.WaitUntilAsync(async () => await ApproximateCountAsync(Queue) == 0, "the message is deleted");
        await host.StopAsync();

        Assert.Equal(0, visibleWhileRunning);
        Assert.Single(_probe.Calls);
    }

    [Fact]
    public async Task A_missing_queue_is_created_and_then_served()
    {
        using var host = BuildHost();
        await host.StartAsync();
        await TestTriggerHost.WaitUntilAsync(async () =>
        {
            try
            {
                await Queue.GetPropertiesAsync();
                return true;
            }
            catch (Azure.RequestFailedException e) when (e.Status == 404)
            {
                return false;
            }
        }, "the listener creates the queue");
        await Queue.SendMessageAsync("first");
        await TestTriggerHost.WaitUntilAsync(() => !_probe.Calls.IsEmpty, "the message is processed");
        await host.StopAsync();

        Assert.Equal("first", Assert.Single(_probe.Calls).Text);
    }

    [Fact]
    public async Task Messages_without_encoding_are_read_as_plain_text()
    {
        await Queue.CreateIfNotExistsAsync();
        await Queue.WithMessageEncoding(QueueMessageEncoding.None).SendMessageAsync("plain <text> & more");

        using var host = BuildHost(new() { ["AzureFunctionsJobHost:extensions:queues:messageEncoding"] = "none" });
        await host.StartAsync();
        await TestTriggerHost.WaitUntilAsync(() => !_probe.Calls.IsEmpty, "the message is processed");
        await host.StopAsync();

        Assert.Equal("plain <text> & more", Assert.Single(_probe.Calls).Text);
        Assert.Empty(_observer.Poisoned);
    }

    [Fact]
    public async Task Invalid_queue_settings_stop_the_host_from_starting()
    {
        using var host = BuildHost(new() { ["AzureFunctionsJobHost:extensions:queues:batchSize"] = "100" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(error.Failures, f => f.Contains("batchSize", StringComparison.Ordinal));
    }
}
