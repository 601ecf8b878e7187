using Azure.Storage.Queues;
using Reminders.App.Dispatch;
using Reminders.App.Orders;
using Reminders.App.Tests.Support;
using Reminders.TestSupport;

namespace Reminders.App.Tests.Webhooks;

/// <summary>
/// payment.failed plans a notice due now and the webhook dispatches it at once. A private Azurite keeps the channel
/// queues to this class, and the app's own listeners are off, so what is on a queue is what the webhook put there.
/// </summary>
public sealed class PaymentFailedDispatchTests : IDisposable
{
    private readonly AzuriteProcess _azurite = TestStorage.StartPrivateAzurite();
    private readonly ReminderAppFactory _app;
    private readonly QueueServiceClient _queues;

    public PaymentFailedDispatchTests()
    {
        _app = new ReminderAppFactory(services: WebhookTestKit.WithoutBackgroundTriggers, storageConnectionString: _azurite.ConnectionString);
        _queues = TestStorage.Queues(_azurite.ConnectionString);
    }

    [Fact]
    public async Task A_payment_failure_is_enqueued_on_the_buyers_channel_before_the_webhook_answers()
    {
        var orderId = ReminderAppFactory.NewOrderId();
        using var client = _app.CreateClient();
        await WebhookTestKit.SendOkAsync(client, SignedWebhook.Order(SignedWebhook.OrderCreated(orderId, pushToken: null)));
        var failureId = "msg_" + Guid.NewGuid().ToString("N");

        await WebhookTestKit.SendOkAsync(client, SignedWebhook.Payment(
            SignedWebhook.Event("payment.failed", orderId, extraData: ",\"reason\":\"insufficient_funds\",\"retryUrl\":\"https://pay.example.com/retry/1\""),
            failureId));

        var order = await WebhookTestKit.GetOrderAsync(_app, orderId);
        var notice = Assert.Single(WebhookTestKit.Reminders(order, "payment_failed"));
        var reminderId = notice.GetProperty("reminderId").GetString()!;
        Assert.True(notice.GetProperty("status").GetString() == ReminderStatus.Enqueued.ToWire(), $"the notice is {notice}");
        Assert.Equal("sms", notice.GetProperty("channel").GetString());
        Assert.Equal(1, notice.GetProperty("attempt").GetInt32());
        var enqueued = Assert.Single(WebhookTestKit.Timeline(order, "enqueued"));
        Assert.Equal("payment_failed", enqueued.GetProperty("kind").GetString());
        Assert.Equal("sms", enqueued.GetProperty("channel").GetString());

        var sms = await _queues.GetQueueClient(QueueNames.Sms).PeekMessagesAsync(32);
        var message = ReminderMessage.TryParse(Assert.Single(sms.Value).MessageText!);
        Assert.Equal(new ReminderMessage(orderId, reminderId, 1), message);
        foreach (var other in new[] { QueueNames.Email, QueueNames.Push, QueueNames.MerchantAlerts })
        {
            Assert.Empty((await _queues.GetQueueClient(other).PeekMessagesAsync(32)).Value);
        }
    }

    [Fact]
    public async Task A_payment_failure_for_a_buyer_with_a_push_token_goes_to_push_and_a_replay_enqueues_nothing_more()
    {
        var orderId = ReminderAppFactory.NewOrderId();
        using var client = _app.CreateClient();
        await WebhookTestKit.SendOkAsync(client, SignedWebhook.Order(SignedWebhook.OrderCreated(orderId, pushToken: "device-token-0123456789")));
        var failureId = "msg_" + Guid.NewGuid().ToString("N");
        var failed = SignedWebhook.Event("payment.failed", orderId, extraData: ",\"reason\":\"card_declined\"");

        await WebhookTestKit.SendOkAsync(client, SignedWebhook.Payment(failed, failureId));
        await WebhookTestKit.SendOkAsync(client, SignedWebhook.Payment(failed, failureId));

        var order = await WebhookTestKit.GetOrderAsync(_app, orderId);
        var notice = Assert.Single(WebhookTestKit.Reminders(order, "payment_failed"));
        Assert.Equal(ReminderStatus.Enqueued.ToWire(), notice.GetProperty("status").GetString());
        Assert.Equal("push", notice.GetProperty("channel").GetString());
        var push = (await _queues.GetQueueClient(QueueNames.Push).PeekMessagesAsync(32)).Value
            .Select(m => ReminderMessage.TryParse(m.MessageText!))
            .Where(m => m?.OrderId == orderId)
            .ToList();
        Assert.Single(push);
        using var admin = _app.CreateAdminClient();
        Assert.DoesNotContain("device-token", await admin.GetStringAsync($"/api/orders/{orderId}"));
    }

    [Fact]
    public async Task A_payment_failure_on_a_paid_order_is_not_sent()
    {
        var orderId = ReminderAppFactory.NewOrderId();
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-5);
        using var client = _app.CreateClient();
        await WebhookTestKit.SendOkAsync(client, SignedWebhook.Order(SignedWebhook.OrderCreated(orderId, t0)));
        await WebhookTestKit.SendOkAsync(client, SignedWebhook.Payment(SignedWebhook.Event("payment.succeeded", orderId, t0.AddMinutes(2))));

        // A failed attempt reported after the order was paid (an earlier card, retried): the buyer must not hear of it.
        await WebhookTestKit.SendOkAsync(client, SignedWebhook.Payment(
            SignedWebhook.Event("payment.failed", orderId, t0.AddMinutes(1), ",\"reason\":\"card_declined\"")));

        var order = await WebhookTestKit.GetOrderAsync(_app, orderId);
        Assert.DoesNotContain(WebhookTestKit.Reminders(order, "payment_failed"), r => r.GetProperty("status").GetString() is "enqueued" or "planned");
        foreach (var queue in QueueNames.All)
        {
            Assert.DoesNotContain((await _queues.GetQueueClient(queue).PeekMessagesAsync(32)).Value,
                m => ReminderMessage.TryParse(m.MessageText!)?.OrderId == orderId);
        }
    }

    public void Dispose()
    {
        _app.Dispose();
        _azurite.Dispose();
    }
}
