using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Reminders.App.Functions;
using Functions.LocalHost;
using Microsoft.Azure.Functions.Worker;
using Reminders.App.Orders;
using Reminders.App.Tests.Support;
using Reminders.Core.Notifications;
using Reminders.Core.Orders;

namespace Reminders.App.Tests.Dispatch;

public sealed class SweepTests(PrivateAzurite azurite) : IClassFixture<PrivateAzurite>
{
    [Fact]
    public async Task A_sweep_enqueues_what_has_come_due_marks_it_done_and_leaves_the_rest_for_later()
    {
        using var app = new DispatchApp(azurite.ConnectionString, new Dictionary<string, string?>
        {
            ["Reminders__PaymentDue__Steps"] = "00:01:00,00:10:00",
            ["Reminders__PaymentDue__Window"] = "00:30:00",
        });
        var orderId = ReminderAppFactory.NewOrderId();
        await app.ApplyAsync(TestEvents.Created(orderId, TestEvents.Buyer(TestEvents.NewBuyerId()), app.Time.GetUtcNow()));

        await app.SweepAsync(Sweep.PaymentDue);
        Assert.Empty(app.Recorder.SentFor(orderId));

        app.Time.Advance(TimeSpan.FromMinutes(2));
        await app.SweepAsync(Sweep.PaymentDue);

        var sent = Assert.Single(app.Recorder.SentFor(orderId));
        Assert.Equal(QueueNames.Sms, sent.Queue);
        Assert.Equal("payment_due.1", sent.Message.ReminderId);
        var snapshot = await app.SnapshotAsync(orderId);
        var first = snapshot.Reminders.Single(r => r.ReminderId == "payment_due.1");
        Assert.Equal(ReminderStatus.Enqueued, first.Status);
        Assert.Equal(Channel.Sms, first.Channel);
        Assert.Equal(sent.Message.Attempt, first.Attempt);
        Assert.Contains(snapshot.Timeline, t => t.Type == TimelineTypes.Enqueued && t.ReminderId == "payment_due.1" && t.Kind == "payment_due" && t.Channel == "sms");
        Assert.Equal(ReminderStatus.Planned, snapshot.Reminders.Single(r => r.ReminderId == "payment_due.2").Status);
        Assert.Equal(["payment_due.2", "payment_window_expired"], (await app.IndexEntriesAsync(orderId)).Order());
    }

    [Fact]
    public async Task The_end_of_the_payment_window_alerts_the_merchant()
    {
        using var app = new DispatchApp(azurite.ConnectionString, new Dictionary<string, string?>
        {
            ["Reminders__PaymentDue__Steps"] = "00:01:00",
            ["Reminders__PaymentDue__Window"] = "00:05:00",
        });
        var orderId = ReminderAppFactory.NewOrderId();
        await app.ApplyAsync(TestEvents.Created(orderId, TestEvents.Buyer(TestEvents.NewBuyerId()), app.Time.GetUtcNow()));

        app.Time.Advance(TimeSpan.FromMinutes(6));
        await app.SweepAsync(Sweep.PaymentDue);

        Assert.Equal(
            [(QueueNames.MerchantAlerts, "payment_window_expired"), (QueueNames.Sms, "payment_due.1")],
            app.Recorder.SentFor(orderId).Select(s => (s.Queue, s.Message.ReminderId)).Order());
        var snapshot = await app.SnapshotAsync(orderId);
        Assert.Contains(snapshot.Timeline, t => t.Type == TimelineTypes.Enqueued && t.Kind == "payment_window_expired" && t.Channel == "merchant");
        Assert.Empty(await app.IndexEntriesAsync(orderId));
    }

    [Fact]
    public async Task The_auto_confirm_date_alerts_the_merchant()
    {
        using var app = new DispatchApp(azurite.ConnectionString, new Dictionary<string, string?>
        {
            ["Reminders__ConfirmReceipt__Steps"] = "00:01:00",
            ["Reminders__ConfirmReceipt__AutoConfirmAfter"] = "00:05:00",
        });
        var orderId = ReminderAppFactory.NewOrderId();
        var t0 = app.Time.GetUtcNow();
        await app.ApplyAsync(TestEvents.Created(orderId, TestEvents.Buyer(TestEvents.NewBuyerId()), t0));
        await app.ApplyAsync(TestEvents.Event(OrderEventType.PaymentSucceeded, orderId, t0.AddSeconds(1)));
        await app.ApplyAsync(TestEvents.Event(OrderEventType.OrderShipped, orderId, t0.AddSeconds(2)));
        await app.ApplyAsync(TestEvents.Event(OrderEventType.OrderDelivered, orderId, t0.AddSeconds(3)));

        app.Time.Advance(TimeSpan.FromMinutes(6));
        await app.SweepAsync(Sweep.ConfirmReceipt);
        await app.SweepAsync(Sweep.PaymentDue);

        Assert.Equal(
            [(QueueNames.MerchantAlerts, "auto_confirm_due"), (QueueNames.Sms, "confirm_receipt.1")],
            app.Recorder.SentFor(orderId).Select(s => (s.Queue, s.Message.ReminderId)).Order());
    }

    public static TheoryData<string, string, string> Functions => new()
    {
        { "PaymentDueSweep", QueueNames.Sms, "payment_due.1" },
        { "ConfirmReceiptSweep", QueueNames.Sms, "confirm_receipt.1" },
        { "PayLaterSweep", QueueNames.Sms, "pay_later_due.1" },
        { "SettlementSweep", QueueNames.MerchantAlerts, "settlement_missing" },
        { "RefundSweep", QueueNames.MerchantAlerts, "refund_stalled.merchant" },
    };

    [Theory]
    [MemberData(nameof(Functions))]
    public async Task Each_timer_function_sweeps_its_own_kinds_and_no_other(string functionName, string queue, string reminderId)
    {
        using var app = new DispatchApp(azurite.ConnectionString, new Dictionary<string, string?>
        {
            ["Reminders__PaymentDue__Steps"] = "00:01:00",
            ["Reminders__PaymentDue__Window"] = "01:00:00",
            ["Reminders__ConfirmReceipt__Steps"] = "00:01:00",
            ["Reminders__PayLater__Steps"] = "00:00:00",
            ["Reminders__Settlement__Window"] = "00:01:00",
            ["Reminders__Refund__Window"] = "00:01:00",
        });
        var t0 = app.Time.GetUtcNow();
        // One order per sweep, each with a reminder of that sweep due two minutes from now and nothing else due.
        var orders = new Dictionary<string, string>();
        foreach (var (name, then) in new (string, OrderEventType[])[]
        {
            ("PaymentDueSweep", []),
            ("ConfirmReceiptSweep", [OrderEventType.PaymentSucceeded, OrderEventType.SettlementCompleted, OrderEventType.OrderShipped, OrderEventType.OrderDelivered]),
            ("PayLaterSweep", []),
            ("SettlementSweep", [OrderEventType.PaymentSucceeded]),
            ("RefundSweep", [OrderEventType.PaymentSucceeded, OrderEventType.SettlementCompleted, OrderEventType.RefundRequested]),
        })
        {
            var orderId = ReminderAppFactory.NewOrderId();
            orders[name] = orderId;
            var created = TestEvents.Created(orderId, TestEvents.Buyer(TestEvents.NewBuyerId()), t0);
            if (name == "PayLaterSweep") created = created with { PayLaterDueAt = t0.AddMinutes(1) };
            await app.ApplyAsync(created);
            for (var i = 0; i < then.Length; i++) await app.ApplyAsync(TestEvents.Event(then[i], orderId, t0.AddSeconds(i + 1)));
        }
        app.Time.Advance(TimeSpan.FromMinutes(2));

        var function = FunctionCatalog.Discover(typeof(ReminderApp).Assembly).Find(functionName)!;
        Assert.Equal($"%Sweeps__{functionName[..^"Sweep".Length]}__Schedule%", function.Schedule);
        var instance = ActivatorUtilities.CreateInstance(app.Services, function.Method.DeclaringType!);
        using var timeout = DispatchApp.Timeout();
        await (Task)function.Method.Invoke(instance, [new TimerInfo(), timeout.Token])!;

        Assert.Contains(app.Recorder.SentFor(orders[functionName]), s => s.Queue == queue && s.Message.ReminderId == reminderId);
        foreach (var (other, orderId) in orders.Where(o => o.Key != functionName))
        {
            Assert.True(app.Recorder.SentFor(orderId).Count == 0, $"{functionName} sent a reminder of {other}'s order.");
        }
    }
}
