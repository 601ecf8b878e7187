using System.Net;
using Reminders.App.Delivery;
using Reminders.App.Orders;
using Reminders.App.Tests.Support;

namespace Reminders.App.Tests.Delivery;

/// <summary>Through the real trigger host: the timer function run by the admin API, the queue listener, the poison queue.</summary>
[Collection(DeliveryCollection.Name)]
public sealed class HostDeliveryTests(DeliveryEnvironment environment)
{
    [Fact]
    public async Task Order_created_to_sms_through_sweep_queue_and_listener_then_nothing_more_once_paid()
    {
        await using var twilio = await ProviderStubs.TwilioAsync();
        var settings = ProviderStubs.TwilioSettings(twilio);
        settings["Reminders__PaymentDue__Steps"] = "00:00:01,00:00:04";
        settings["Reminders__PaymentDue__Window"] = "00:10:00";
        using var app = new DeliveryApp(environment, settings, withQueueListeners: true);
        var orderId = ReminderAppFactory.NewOrderId();
        var phone = DeliveryApp.NewPhone();
        var createdAt = DateTimeOffset.UtcNow;
        await app.CreateOrderAsync(orderId, DeliveryApp.NewBuyerId(), phone, email: null, at: createdAt);
        IReadOnlyList<Dictionary<string, string>> Sends() => ProviderStubs.SmsSends(twilio).Where(s => s["To"] == phone).ToList();

        await DeliveryApp.WaitUntilAsync(() => Task.FromResult(DateTimeOffset.UtcNow > createdAt.AddSeconds(1.5)), "step 1 is due");
        using (var invoke = await app.Admin.PostAsync("/admin/functions/PaymentDueSweep", new StringContent("{}", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Accepted, invoke.StatusCode);
        }
        await DeliveryApp.WaitUntilAsync(async () => (await app.ReminderAsync(orderId, "payment_due.1")).Status == ReminderStatus.Sent,
            "the listener sends the first reminder");
        Assert.Single(Sends());
        var timeline = await app.TimelineAsync(orderId);
        Assert.Equal(
            [TimelineTypes.ReminderPlanned, TimelineTypes.Enqueued, TimelineTypes.Sent],
            timeline.Where(t => t.ReminderId == "payment_due.1").Select(t => t.Type));

        await app.PaymentEventAsync("payment.succeeded", orderId);
        await DeliveryApp.WaitUntilAsync(() => Task.FromResult(DateTimeOffset.UtcNow > createdAt.AddSeconds(5)), "step 2 would be due");
        await app.SweepAsync(Sweep.PaymentDue);
        // Give the listener time to pick up anything that might have been enqueued.
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.Single(Sends());
        Assert.Equal(ReminderStatus.Voided, (await app.ReminderAsync(orderId, "payment_due.2")).Status);
        Assert.DoesNotContain(await app.TimelineAsync(orderId), t => t.ReminderId == "payment_due.2" && t.Type is TimelineTypes.Enqueued or TimelineTypes.Sent);
    }

    [Fact]
    public async Task A_message_that_keeps_failing_moves_to_poison_and_the_timeline_says_so()
    {
        await using var twilio = await ProviderStubs.TwilioAsync(_ => (503, "{\"code\":20503,\"message\":\"down\"}", [("Retry-After", "0")]));
        var settings = ProviderStubs.TwilioSettings(twilio);
        settings["AzureFunctionsJobHost__extensions__queues__maxDequeueCount"] = "2";
        settings["Delivery__MaxRetries"] = "1";
        using var app = new DeliveryApp(environment, settings, withQueueListeners: true);
        var orderId = ReminderAppFactory.NewOrderId();
        var phone = DeliveryApp.NewPhone();
        await app.CreateOrderAsync(orderId, DeliveryApp.NewBuyerId(), phone, email: null);

        await app.SweepAsync(Sweep.PaymentDue);

        await DeliveryApp.WaitUntilAsync(async () => (await app.ReminderAsync(orderId, "payment_due.1")).Status == ReminderStatus.Failed,
            "the host gives up on the message and the poison hook records it");
        var row = await app.ReminderAsync(orderId, "payment_due.1");
        Assert.Equal(DeliveryPoisonRecorder.Reason, row.Reason);
        var timeline = await app.TimelineAsync(orderId);
        // One delayed retry (Delivery__MaxRetries), then the host's own tries up to maxDequeueCount.
        Assert.Equal(3, timeline.Count(t => t.Type == TimelineTypes.Failed && t.Reason!.StartsWith("transient: ", StringComparison.Ordinal)));
        var poisoned = Assert.Single(timeline, t => t.Type == TimelineTypes.Failed && t.Reason == DeliveryPoisonRecorder.Reason);
        Assert.Equal(("sms", "payment_due"), (poisoned.Channel, poisoned.Kind));
        Assert.Contains(QueueNames.Poison(QueueNames.Sms), poisoned.Detail);
        Assert.Equal(3, ProviderStubs.SmsSends(twilio).Count(s => s["To"] == phone));
    }
}
