using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Reminders.App.Hosting;
using Reminders.App.Orders;
using Reminders.App.Storage;
using Reminders.App.Tests.Support;

namespace Reminders.App.Tests.Dispatch;

/// <summary>The whole app on the real clock: signed webhooks in, the timer host's sweeps, messages on the queues.</summary>
public sealed class SweepEndToEndTests(PrivateAzurite azurite) : IClassFixture<PrivateAzurite>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Order_created_leads_to_the_first_payment_reminder_in_the_sms_queue_after_its_step()
    {
        var recorder = new StorageRecorder();
        using var app = new ReminderAppFactory(new Dictionary<string, string?>
        {
            ["Reminders__PaymentDue__Steps"] = "00:00:03,00:05:00",
            ["Reminders__PaymentDue__Window"] = "00:10:00",
            ["Sweeps__PaymentDue__Schedule"] = "* * * * * *",
        }, services => services.AddSingleton(new StorageRequestPolicy(recorder)), azurite.ConnectionString);
        var orderId = ReminderAppFactory.NewOrderId();
        using var client = app.CreateClient();

        using var response = await client.SendAsync(SignedWebhook.Order(
            SignedWebhook.OrderCreated(orderId, buyerId: TestEvents.NewBuyerId(), phone: "+8613800138000", email: null)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        await WaitUntilAsync(() => recorder.SentFor(orderId).Count > 0, "the timer's sweep enqueues the first reminder");
        var sent = Assert.Single(recorder.SentFor(orderId));
        Assert.Equal((QueueNames.Sms, "payment_due.1", 1), (sent.Queue, sent.Message.ReminderId, sent.Message.Attempt));

        var snapshot = await app.Services.GetRequiredService<OrderStore>().GetAsync(orderId, CancellationToken.None);
        var reminder = snapshot!.Reminders.Single(r => r.ReminderId == "payment_due.1");
        Assert.True(reminder.EnqueuedAt >= snapshot.Order.CreatedAt!.Value.AddSeconds(3), $"enqueued at {reminder.EnqueuedAt:O}, before its step");
        using var admin = app.CreateAdminClient();
        var order = await admin.GetFromJsonAsync<JsonElement>($"/api/orders/{orderId}");
        Assert.Contains(order.GetProperty("timeline").EnumerateArray(), t =>
            t.GetProperty("type").GetString() == "enqueued" && t.GetProperty("kind").GetString() == "payment_due");
    }

    [Fact]
    public async Task The_admin_api_runs_a_sweep_now()
    {
        var recorder = new StorageRecorder();
        using var app = new ReminderAppFactory(new Dictionary<string, string?>
        {
            ["Reminders__PaymentDue__Steps"] = "00:00:01",
            ["Reminders__PaymentDue__Window"] = "00:10:00",
            ["Sweeps__PaymentDue__Schedule"] = "0 0 0 1 1 *",
        }, services => services.AddSingleton(new StorageRequestPolicy(recorder)), azurite.ConnectionString);
        var orderId = ReminderAppFactory.NewOrderId();
        using var client = app.CreateAdminClient();
        // Placed a minute ago (the webhook is signed now): its first reminder is due at once.
        using var created = await client.SendAsync(SignedWebhook.Order(SignedWebhook.OrderCreated(
            orderId, DateTimeOffset.UtcNow.AddMinutes(-1), buyerId: TestEvents.NewBuyerId(), email: null)));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);

        using var invoked = await client.PostAsync("/admin/functions/PaymentDueSweep", JsonContent.Create(new { input = "" }));

        Assert.Equal(HttpStatusCode.Accepted, invoked.StatusCode);
        await WaitUntilAsync(() => recorder.SentFor(orderId).Count > 0, "the invoked sweep enqueues the reminder");
        Assert.Equal((QueueNames.Sms, "payment_due.1"), (recorder.SentFor(orderId)[0].Queue, recorder.SentFor(orderId)[0].Message.ReminderId));
        foreach (var name in new[] { "ConfirmReceiptSweep", "PayLaterSweep", "SettlementSweep", "RefundSweep" })
        {
            using var other = await client.PostAsync($"/admin/functions/{name}", null);
            Assert.Equal(HttpStatusCode.Accepted, other.StatusCode);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < Patience, $"Waited {Patience.TotalSeconds} s for: {what}");
            await Task.Delay(200);
        }
    }
}
