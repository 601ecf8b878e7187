using System.Net;
using Reminders.App.Dispatch;
using Reminders.App.Orders;
using Reminders.App.Tests.Delivery;
using Reminders.App.Tests.Support;
using Reminders.Core.Notifications;
using static Reminders.App.Tests.Merchants.MerchantApi;

namespace Reminders.App.Tests.Merchants;

/// <summary>
/// A merchant's policy plans its orders and orders its channels, from the moment it is stored, with no restart. The
/// app's own settings (DeliveryApp): payment steps 1 s and 30 min in a 1 h window, channels sms, email, push. Orders
/// are placed after the policy is stored (a policy applies to orders created after it), so step 1 comes due 1 s later.
/// </summary>
[Collection(DeliveryCollection.Name)]
public sealed class MerchantPolicyTests(DeliveryEnvironment environment)
{
    [Fact]
    public async Task A_merchant_added_through_the_api_has_its_next_order_reminded_with_its_own_steps_and_channel_order()
    {
        using var app = new DeliveryApp(environment);
        var merchantId = NewMerchantId();
        using var added = await PutAsync(app.Admin, merchantId, new
        {
            name = "Acme",
            policy = new { paymentDueSteps = new[] { "00:00:01", "00:10:00", "00:45:00" }, channels = new[] { "email", "sms" } },
        });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);

        var orderId = ReminderAppFactory.NewOrderId();
        await app.CreateOrderAsync(orderId, DeliveryApp.NewBuyerId(), DeliveryApp.NewPhone(), DeliveryApp.NewEmail(), at: DateTimeOffset.UtcNow, merchantId: merchantId);

        var steps = (await app.Orders.ReadForDispatchAsync(orderId, CancellationToken.None)).Reminders
            .Where(r => r.Kind == ReminderKind.PaymentDue).OrderBy(r => r.Step).Select(r => r.PlannedFor).ToList();
        Assert.Equal(3, steps.Count);
        Assert.Equal([TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(35)], [steps[1] - steps[0], steps[2] - steps[1]]);
        var applied = Assert.Single(await app.TimelineAsync(orderId), t => t.Type == TimelineTypes.EventApplied);
        Assert.Contains($"merchant {merchantId}'s policy", applied.Detail);

        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await app.SweepAsync(Sweep.PaymentDue);

        var first = await app.ReminderAsync(orderId, "payment_due.1");
        Assert.Equal((ReminderStatus.Enqueued, Channel.Email), (first.Status, first.Channel));
        Assert.Single(await app.TakeMessagesAsync(QueueNames.Email, orderId));
    }

    [Fact]
    public async Task A_merchant_without_a_policy_follows_the_app_settings()
    {
        using var app = new DeliveryApp(environment);
        var merchantId = NewMerchantId();
        using var added = await PutAsync(app.Admin, merchantId, new { name = "Plain" });
        var orderId = ReminderAppFactory.NewOrderId();
        await app.CreateOrderAsync(orderId, DeliveryApp.NewBuyerId(), DeliveryApp.NewPhone(), DeliveryApp.NewEmail(), merchantId: merchantId);

        await app.SweepAsync(Sweep.PaymentDue);

        var reminders = (await app.Orders.ReadForDispatchAsync(orderId, CancellationToken.None)).Reminders;
        Assert.Equal(2, reminders.Count(r => r.Kind == ReminderKind.PaymentDue));
        Assert.Equal(Channel.Sms, (await app.ReminderAsync(orderId, "payment_due.1")).Channel);
    }

    [Fact]
    public async Task A_policy_change_leaves_orders_created_before_it_as_they_were_planned()
    {
        using var app = new DeliveryApp(environment);
        var merchantId = NewMerchantId();
        using var first = await PutAsync(app.Admin, merchantId, new { policy = new { paymentDueSteps = new[] { "00:20:00" } } });
        var before = ReminderAppFactory.NewOrderId();
        await app.CreateOrderAsync(before, DeliveryApp.NewBuyerId(), DeliveryApp.NewPhone(), null, at: DateTimeOffset.UtcNow, merchantId: merchantId);

        using var changed = await PutAsync(app.Admin, merchantId, new { policy = new { paymentDueSteps = new[] { "00:05:00", "00:15:00" } } }, ifMatch: first.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        // A later event re-plans the older order: with the policy it was created under.
        await app.PaymentEventAsync("payment.failed", before, extraData: ",\"reason\":\"card_declined\"");
        var after = ReminderAppFactory.NewOrderId();
        await app.CreateOrderAsync(after, DeliveryApp.NewBuyerId(), DeliveryApp.NewPhone(), null, at: DateTimeOffset.UtcNow, merchantId: merchantId);

        Assert.Equal(["payment_due.1"], await PaymentDueIdsAsync(app, before));
        Assert.Equal(ReminderStatus.Planned, (await app.ReminderAsync(before, "payment_due.1")).Status);
        Assert.Equal(["payment_due.1", "payment_due.2"], await PaymentDueIdsAsync(app, after));
    }

    [Fact]
    public async Task A_kind_the_merchant_turns_off_is_not_planned()
    {
        using var app = new DeliveryApp(environment);
        var merchantId = NewMerchantId();
        using var added = await PutAsync(app.Admin, merchantId, new { policy = new { kinds = new[] { "payment_window_expired", "payment_failed" } } });
        var orderId = ReminderAppFactory.NewOrderId();
        await app.CreateOrderAsync(orderId, DeliveryApp.NewBuyerId(), DeliveryApp.NewPhone(), null, at: DateTimeOffset.UtcNow, merchantId: merchantId);

        var kinds = (await app.Orders.ReadForDispatchAsync(orderId, CancellationToken.None)).Reminders.Select(r => r.Kind).ToList();

        Assert.Equal([ReminderKind.PaymentWindowExpired], kinds);
    }

    private static async Task<List<string>> PaymentDueIdsAsync(DeliveryApp app, string orderId) =>
        [.. (await app.Orders.ReadForDispatchAsync(orderId, CancellationToken.None)).Reminders
            .Where(r => r.Kind == ReminderKind.PaymentDue && r.Status != ReminderStatus.Voided).Select(r => r.ReminderId).Order()];
}
