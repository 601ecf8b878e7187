using System.Net;
using Reminders.App.Tests.Support;

namespace Reminders.App.Tests.Webhooks;

/// <summary>webhook-id is the idempotency key; concurrent events on one order all land (ETag retries).</summary>
public sealed class WebhookIdempotencyTests : IClassFixture<ReminderAppFactoryFixture>
{
    private readonly ReminderAppFactory _app;

    public WebhookIdempotencyTests(ReminderAppFactoryFixture fixture) => _app = fixture.App;

    [Fact]
    public async Task A_replayed_webhook_id_answers_200_and_changes_nothing()
    {
        var orderId = ReminderAppFactory.NewOrderId();
        using var client = _app.CreateClient();
        await WebhookTestKit.SendOkAsync(client, SignedWebhook.Order(SignedWebhook.OrderCreated(orderId)));
        var paymentId = "msg_" + Guid.NewGuid().ToString("N");
        var paid = SignedWebhook.Event("payment.succeeded", orderId);
        await WebhookTestKit.SendOkAsync(client, SignedWebhook.Payment(paid, paymentId));
        var before = await WebhookTestKit.GetOrderAsync(_app, orderId);

        // The same delivery again, and a sender that reuses the id with a different body: both are replays.
        using var replay = await WebhookTestKit.SendOkAsync(client, SignedWebhook.Payment(paid, paymentId));
        using var reused = await WebhookTestKit.SendOkAsync(client,
            SignedWebhook.Payment(SignedWebhook.Event("payment.succeeded", orderId, DateTimeOffset.UtcNow.AddHours(-5)), paymentId));

        Assert.Contains("duplicate", await replay.Content.ReadAsStringAsync());
        var after = await WebhookTestKit.GetOrderAsync(_app, orderId);
        Assert.Equal(before.GetRawText(), after.GetRawText());
    }

    [Fact]
    public async Task Ten_copies_arriving_at_once_are_all_acknowledged_and_applied_once()
    {
        var orderId = ReminderAppFactory.NewOrderId();
        using var client = _app.CreateClient();
        var id = "msg_" + Guid.NewGuid().ToString("N");
        var body = SignedWebhook.OrderCreated(orderId);

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => client.SendAsync(SignedWebhook.Order(body, id))));

        foreach (var response in responses)
        {
            Assert.True(response.IsSuccessStatusCode, $"answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            response.Dispose();
        }
        var order = await WebhookTestKit.GetOrderAsync(_app, orderId);
        Assert.Single(WebhookTestKit.Timeline(order, "event_applied"));
        var planned = WebhookTestKit.Timeline(order, "reminder_planned");
        Assert.Equal(planned.Count, planned.Select(p => p.GetProperty("reminderId").GetString()).Distinct().Count());
        Assert.Equal(planned.Count, order.GetProperty("reminders").GetArrayLength());
    }

    [Fact]
    public async Task Ten_copies_of_a_payment_on_an_existing_order_are_applied_once()
    {
        var orderId = ReminderAppFactory.NewOrderId();
        using var client = _app.CreateClient();
        await WebhookTestKit.SendOkAsync(client, SignedWebhook.Order(SignedWebhook.OrderCreated(orderId)));
        var id = "msg_" + Guid.NewGuid().ToString("N");
        var body = SignedWebhook.Event("payment.succeeded", orderId);

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => client.SendAsync(SignedWebhook.Payment(body, id))));

        Assert.All(responses, r => Assert.True(r.IsSuccessStatusCode, $"answered {(int)r.StatusCode}"));
        var order = await WebhookTestKit.GetOrderAsync(_app, orderId);
        Assert.Equal(2, WebhookTestKit.Timeline(order, "event_applied").Count);
        Assert.Single(WebhookTestKit.Timeline(order, "event_applied"), e => e.GetProperty("eventType").GetString() == "payment.succeeded");
        Assert.Equal("paid", order.GetProperty("state").GetString());
        Assert.Single(WebhookTestKit.Reminders(order, "settlement_missing"));
    }

    [Fact]
    public async Task Ten_different_events_fired_at_once_on_one_order_are_all_applied()
    {
        var orderId = ReminderAppFactory.NewOrderId();
        var t0 = DateTimeOffset.UtcNow.AddHours(-1);
        using var client = _app.CreateClient();
        var requests = new List<HttpRequestMessage>
        {
            SignedWebhook.Order(SignedWebhook.OrderCreated(orderId, t0)),
            SignedWebhook.Order(SignedWebhook.Event("order.shipped", orderId, t0.AddMinutes(10))),
            SignedWebhook.Order(SignedWebhook.Event("order.delivered", orderId, t0.AddMinutes(20))),
            SignedWebhook.Order(SignedWebhook.Event("order.receipt_confirmed", orderId, t0.AddMinutes(30))),
            SignedWebhook.Payment(SignedWebhook.Event("payment.succeeded", orderId, t0.AddMinutes(5))),
            SignedWebhook.Payment(SignedWebhook.Event("payment.failed", orderId, t0.AddMinutes(1), ",\"reason\":\"card_declined\"")),
            SignedWebhook.Payment(SignedWebhook.Event("settlement.completed", orderId, t0.AddMinutes(15))),
            SignedWebhook.Payment(SignedWebhook.Event("refund.requested", orderId, t0.AddMinutes(40), ",\"refundId\":\"r-1\"")),
            SignedWebhook.Payment(SignedWebhook.Event("refund.failed", orderId, t0.AddMinutes(45), ",\"refundId\":\"r-1\"")),
            SignedWebhook.Payment(SignedWebhook.Event("refund.completed", orderId, t0.AddMinutes(50), ",\"refundId\":\"r-1\"")),
        };

        var responses = await Task.WhenAll(requests.Select(r => client.SendAsync(r)));

        foreach (var response in responses)
        {
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        var order = await WebhookTestKit.GetOrderAsync(_app, orderId);
        var facts = order.GetProperty("facts");
        foreach (var fact in new[] { "createdAt", "paidAt", "shippedAt", "deliveredAt", "receiptConfirmedAt", "refundRequestedAt", "refundFailedAt", "refundCompletedAt", "settlementCompletedAt" })
        {
            Assert.True(facts.GetProperty(fact).ValueKind == System.Text.Json.JsonValueKind.String, $"{fact} was lost: {facts}");
        }
        Assert.Single(facts.GetProperty("paymentFailures").EnumerateArray());
        Assert.Equal("refunded", order.GetProperty("state").GetString());
        Assert.Equal(10, WebhookTestKit.Timeline(order, "event_applied").Count);
        Assert.Equal(10, WebhookTestKit.Timeline(order, "event_applied").Select(e => e.GetProperty("eventType").GetString()).Distinct().Count());
    }
}
