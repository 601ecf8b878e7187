using Reminders.App.Tests.Support;

namespace Reminders.App.Tests.Webhooks;

/// <summary>Events in any order, end to end: the state never moves backwards, and paid orders get no payment reminders.</summary>
public sealed class OrderLifecycleTests : IClassFixture<ReminderAppFactoryFixture>
{
    private const string Phone = "+8613800138000";
    private const string Email = "buyer.private@example.com";

    private readonly ReminderAppFactory _app;

    public OrderLifecycleTests(ReminderAppFactoryFixture fixture) => _app = fixture.App;

    [Fact]
    public async Task A_late_order_created_after_payment_does_not_make_the_order_unpaid()
    {
        var orderId = ReminderAppFactory.NewOrderId();
        var created = DateTimeOffset.UtcNow.AddMinutes(-10);
        using var client = _app.CreateClient();

        await WebhookTestKit.SendOkAsync(client, SignedWebhook.Payment(SignedWebhook.Event("payment.succeeded", orderId, created.AddMinutes(2))));
        Assert.Equal("paid", (await WebhookTestKit.GetOrderAsync(_app, orderId)).GetProperty("state").GetString());
        using var response = await WebhookTestKit.SendOkAsync(client, SignedWebhook.Order(SignedWebhook.OrderCreated(orderId, created, phone: Phone, email: Email)));

        Assert.Contains("\"state\":\"paid\"", await response.Content.ReadAsStringAsync());
        var order = await WebhookTestKit.GetOrderAsync(_app, orderId);
        Assert.Equal("paid", order.GetProperty("state").GetString());
        Assert.DoesNotContain(WebhookTestKit.Reminders(order, "payment_due"), r => r.GetProperty("status").GetString() is "planned" or "enqueued");
        Assert.Single(WebhookTestKit.Reminders(order, "settlement_missing"));
        Assert.Equal("+86138****8000", order.GetProperty("buyer").GetProperty("phone").GetString());
    }

    [Fact]
    public async Task Delivered_before_shipped_is_fine_and_plans_receipt_reminders_once()
    {
        var orderId = ReminderAppFactory.NewOrderId();
        var t0 = DateTimeOffset.UtcNow.AddHours(-2);
        using var client = _app.CreateClient();
        await WebhookTestKit.SendOkAsync(client, SignedWebhook.Order(SignedWebhook.OrderCreated(orderId, t0)));
        await WebhookTestKit.SendOkAsync(client, SignedWebhook.Payment(SignedWebhook.Event("payment.succeeded", orderId, t0.AddMinutes(1))));

        await WebhookTestKit.SendOkAsync(client, SignedWebhook.Order(SignedWebhook.Event("order.delivered", orderId, t0.AddHours(1))));
        await WebhookTestKit.SendOkAsync(client, SignedWebhook.Order(SignedWebhook.Event("order.shipped", orderId, t0.AddMinutes(30))));

        var order = await WebhookTestKit.GetOrderAsync(_app, orderId);
        Assert.Equal("delivered", order.GetProperty("state").GetString());
        var facts = order.GetProperty("facts");
        Assert.Equal(t0.AddMinutes(30).ToUnixTimeSeconds(), facts.GetProperty("shippedAt").GetDateTimeOffset().ToUnixTimeSeconds());
        Assert.Equal(t0.AddHours(1).ToUnixTimeSeconds(), facts.GetProperty("deliveredAt").GetDateTimeOffset().ToUnixTimeSeconds());
        var receipt = WebhookTestKit.Reminders(order, "confirm_receipt");
        Assert.Equal(2, receipt.Count);
        Assert.All(receipt, r => Assert.Equal("planned", r.GetProperty("status").GetString()));
        Assert.Single(WebhookTestKit.Reminders(order, "auto_confirm_due"));
        Assert.Equal(4, WebhookTestKit.Timeline(order, "event_applied").Count);
    }

    [Fact]
    public async Task Payment_voids_the_planned_payment_due_reminders_and_the_view_shows_it_all_with_contacts_masked()
    {
        var orderId = ReminderAppFactory.NewOrderId();
        using var client = _app.CreateClient();
        await WebhookTestKit.SendOkAsync(client, SignedWebhook.Order(SignedWebhook.OrderCreated(orderId, phone: Phone, email: Email)));
        var pending = await WebhookTestKit.GetOrderAsync(_app, orderId);
        Assert.Equal("pending_payment", pending.GetProperty("state").GetString());
        var due = WebhookTestKit.Reminders(pending, "payment_due");
        Assert.Equal(3, due.Count);
        Assert.All(due, r => Assert.Equal("planned", r.GetProperty("status").GetString()));

        await WebhookTestKit.SendOkAsync(client, SignedWebhook.Payment(SignedWebhook.Event("payment.succeeded", orderId)));

        using var admin = _app.CreateAdminClient();
        using var response = await admin.GetAsync($"/api/orders/{orderId}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(Phone, text);
        Assert.DoesNotContain("13800138000", text);
        Assert.DoesNotContain(Email, text);
        Assert.DoesNotContain("buyer.private", text);

        var order = System.Text.Json.JsonDocument.Parse(text).RootElement;
        Assert.Equal(orderId, order.GetProperty("orderId").GetString());
        Assert.Equal("paid", order.GetProperty("state").GetString());
        Assert.Equal("+86138****8000", order.GetProperty("buyer").GetProperty("phone").GetString());
        Assert.Equal("b***@example.com", order.GetProperty("buyer").GetProperty("email").GetString());

        foreach (var reminder in WebhookTestKit.Reminders(order, "payment_due").Concat(WebhookTestKit.Reminders(order, "payment_window_expired")))
        {
            Assert.Equal("voided", reminder.GetProperty("status").GetString());
        }
        var voided = WebhookTestKit.Timeline(order, "reminder_voided");
        Assert.Equal(4, voided.Count);
        Assert.Equal(3, voided.Count(v => v.GetProperty("kind").GetString() == "payment_due"));

        var applied = WebhookTestKit.Timeline(order, "event_applied");
        Assert.Equal(["order.created", "payment.succeeded"], applied.Select(a => a.GetProperty("eventType").GetString()));
        var planned = WebhookTestKit.Timeline(order, "reminder_planned");
        Assert.Contains(planned, p => p.GetProperty("kind").GetString() == "payment_due");
        Assert.Contains(planned, p => p.GetProperty("kind").GetString() == "settlement_missing");
        foreach (var entry in order.GetProperty("timeline").EnumerateArray())
        {
            Assert.NotEqual(default, entry.GetProperty("at").GetDateTimeOffset());
            Assert.False(string.IsNullOrEmpty(entry.GetProperty("type").GetString()));
        }
        var times = order.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("at").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderBy(t => t), times);
    }

    [Fact]
    public async Task A_cancelled_order_voids_its_payment_reminders_and_a_late_payment_does_not_revive_them()
    {
        var orderId = ReminderAppFactory.NewOrderId();
        using var client = _app.CreateClient();
        await WebhookTestKit.SendOkAsync(client, SignedWebhook.Order(SignedWebhook.OrderCreated(orderId)));
        await WebhookTestKit.SendOkAsync(client, SignedWebhook.Order(SignedWebhook.Event("order.cancelled", orderId)));
        await WebhookTestKit.SendOkAsync(client, SignedWebhook.Order(SignedWebhook.OrderCreated(orderId, DateTimeOffset.UtcNow.AddMinutes(-1))));

        var order = await WebhookTestKit.GetOrderAsync(_app, orderId);

        Assert.Equal("cancelled", order.GetProperty("state").GetString());
        Assert.All(WebhookTestKit.Reminders(order, "payment_due"), r => Assert.Equal("voided", r.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task A_pay_later_order_shows_its_due_date_and_whether_it_is_paid()
    {
        var orderId = ReminderAppFactory.NewOrderId();
        var dueAt = DateTimeOffset.UtcNow.AddDays(14);
        using var client = _app.CreateClient();
        var created = SignedWebhook.OrderCreated(orderId);
        created = created[..^2] + ",\"payLater\":{\"dueAt\":\"" + dueAt.ToString("O") + "\"}}}";
        await WebhookTestKit.SendOkAsync(client, SignedWebhook.Order(created));

        var order = await WebhookTestKit.GetOrderAsync(_app, orderId);

        var payLater = order.GetProperty("payLater");
        Assert.False(payLater.GetProperty("paid").GetBoolean());
        Assert.Equal(dueAt.ToUnixTimeSeconds(), payLater.GetProperty("dueAt").GetDateTimeOffset().ToUnixTimeSeconds());
        Assert.Equal(5, WebhookTestKit.Reminders(order, "pay_later_due").Count);
    }

    [Fact]
    public async Task An_order_with_many_long_payment_failures_is_still_stored_and_shown()
    {
        var orderId = ReminderAppFactory.NewOrderId();
        using var client = _app.CreateClient();
        await WebhookTestKit.SendOkAsync(client, SignedWebhook.Order(SignedWebhook.OrderCreated(orderId)));
        var retryUrl = "https://pay.example.com/retry?t=" + new string('r', 2048 - 33);
        var reason = new string('x', 200);

        for (var i = 0; i < 30; i++)
        {
            var failed = SignedWebhook.Event("payment.failed", orderId, DateTimeOffset.UtcNow.AddMinutes(-30 + i),
                ",\"reason\":\"" + reason + "\",\"retryUrl\":\"" + retryUrl + "\"");
            using var response = await client.SendAsync(SignedWebhook.Payment(failed, $"msg_fail_{i}_{Guid.NewGuid():N}"));
            Assert.True(response.StatusCode == System.Net.HttpStatusCode.OK, $"failure {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        var order = await WebhookTestKit.GetOrderAsync(_app, orderId);
        Assert.Equal(30, order.GetProperty("facts").GetProperty("paymentFailures").GetArrayLength());
        Assert.Equal(30, WebhookTestKit.Reminders(order, "payment_failed").Count);
    }
}
