using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Reminders.TestSupport;

namespace Functions.LocalHost.Tests;

public sealed class QueueBindingTests
{
    private readonly QueueServiceClient _queues = new(TestStorage.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
    private readonly Dictionary<string, string?> _settings = new()
    {
        ["RecordQueue"] = TestStorage.UniqueName("record"),
        ["BinaryQueue"] = TestStorage.UniqueName("binary"),
        ["StringQueue"] = TestStorage.UniqueName("string"),
        ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.500",
        ["AzureFunctionsJobHost:extensions:queues:maxDequeueCount"] = "1",
    };
    private readonly Received _received = new();

    private QueueClient Queue(string setting) => _queues.GetQueueClient(_settings[setting]);

    private async Task<WebApplication> StartAsync()
    {
        var host = TestHost.Build(_settings, [typeof(TypedQueueFunctions)], services => services.AddSingleton(_received));
        await host.StartAsync();
        await TestHost.WaitUntilAsync(async () => (await Queue("StringQueue").ExistsAsync()).Value, "the queues are created");
        return host;
    }

    private async Task<int> CountAsync(QueueClient queue) =>
        await queue.ExistsAsync() ? (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount : 0;

    [Fact]
    public async Task A_record_is_read_from_json_with_web_defaults()
    {
        await using var host = await StartAsync();
        await Queue("RecordQueue").SendMessageAsync("{\"orderId\":\"o-1\",\"attempt\":2}");
        await TestHost.WaitUntilAsync(() => !_received.Values.IsEmpty, "the function runs");
        await host.StopAsync();

        Assert.Equal(new OrderMessage("o-1", 2), Assert.Single(_received.Values));
    }

    [Fact]
    public async Task A_message_that_is_not_the_record_s_json_fails_like_the_function_and_goes_to_poison()
    {
        await using var host = await StartAsync();
        await Queue("RecordQueue").SendMessageAsync("not json");
        var poison = _queues.GetQueueClient(_settings["RecordQueue"] + "-poison");
        await TestHost.WaitUntilAsync(async () => await CountAsync(poison) == 1, "the message is poisoned");
        await host.StopAsync();

        Assert.Empty(_received.Values);
    }

    [Fact]
    public async Task BinaryData_carries_the_decoded_bytes()
    {
        await using var host = await StartAsync();
        await Queue("BinaryQueue").SendMessageAsync("订单 o-2");
        await TestHost.WaitUntilAsync(() => !_received.Values.IsEmpty, "the function runs");
        await host.StopAsync();

        Assert.Equal("订单 o-2", Assert.Single(_received.Values));
    }

    [Fact]
    public async Task A_static_function_taking_a_string_runs_and_its_message_is_deleted()
    {
        await using var host = await StartAsync();
        await Queue("StringQueue").SendMessageAsync("hello");
        await TestHost.WaitUntilAsync(async () => await CountAsync(Queue("StringQueue")) == 0, "the message is deleted");
        await host.StopAsync();

        Assert.Equal(0, await CountAsync(_queues.GetQueueClient(_settings["StringQueue"] + "-poison")));
    }
}
