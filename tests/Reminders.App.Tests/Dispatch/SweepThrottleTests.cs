using System.Globalization;
using Reminders.App.Orders;
using Reminders.App.Tests.Support;
using Reminders.Core.Notifications;
using Reminders.Core.Orders;
using Reminders.Core.Throttling;

namespace Reminders.App.Tests.Dispatch;

/// <summary>The throttle as the sweep applies it, with the order and buyer state read back from Azurite.</summary>
public sealed class SweepThrottleTests(PrivateAzurite azurite) : IClassFixture<PrivateAzurite>
{
    [Fact]
    public async Task Quiet_hours_in_the_buyers_zone_defer_the_reminder_to_their_end_and_it_goes_out_then()
    {
        using var app = new DispatchApp(azurite.ConnectionString, new Dictionary<string, string?>
        {
            ["Reminders__QuietHours__Start"] = "22:00",
            ["Reminders__QuietHours__End"] = "08:00",
            ["Reminders__PaymentDue__Steps"] = "00:01:00",
            ["Reminders__PaymentDue__Window"] = "1.00:00:00",
        });
        // A buyer zone where it is three in the morning now, whatever the real time of day.
        var zone = ZoneWhereLocalHourIs(3, app.Time.GetUtcNow());
        var orderId = ReminderAppFactory.NewOrderId();
        await app.ApplyAsync(TestEvents.Created(orderId, TestEvents.Buyer(TestEvents.NewBuyerId(), timeZone: zone.Id), app.Time.GetUtcNow()));
        app.Time.Advance(TimeSpan.FromMinutes(2));

        await app.SweepAsync(Sweep.PaymentDue);

        var local = TimeZoneInfo.ConvertTime(app.Time.GetUtcNow(), zone);
        var quietEnd = new DateTimeOffset(local.Date.AddHours(8), local.Offset);
        Assert.Empty(app.Recorder.SentFor(orderId));
        var deferred = Assert.Single((await app.SnapshotAsync(orderId)).Timeline, t => t.Type == TimelineTypes.Deferred);
        Assert.Equal(("payment_due.1", ThrottleReasons.QuietHours, quietEnd), (deferred.ReminderId, deferred.Reason, deferred.Until));
        var row = await app.ReminderAsync(orderId, "payment_due.1");
        Assert.Equal((ReminderStatus.Deferred, quietEnd), (row.Status, row.DueAt));

        app.Time.SetUtcNow(quietEnd.AddSeconds(-30));
        await app.SweepAsync(Sweep.PaymentDue);
        Assert.Empty(app.Recorder.SentFor(orderId));

        app.Time.SetUtcNow(quietEnd.AddSeconds(1));
        await app.SweepAsync(Sweep.PaymentDue);
        var sent = Assert.Single(app.Recorder.SentFor(orderId));
        Assert.Equal((QueueNames.Sms, "payment_due.1"), (sent.Queue, sent.Message.ReminderId));
    }

    [Fact]
    public async Task The_buyers_daily_cap_over_two_orders_defers_the_third_reminder()
    {
        using var app = new DispatchApp(azurite.ConnectionString, new Dictionary<string, string?>
        {
            ["Reminders__BuyerDailyCap"] = "2",
            ["Reminders__MinInterval"] = "00:00:00",
            ["Reminders__PaymentDue__Steps"] = "00:01:00,00:03:00",
            ["Reminders__PaymentDue__Window"] = "2.00:00:00",
        });
        var buyer = TestEvents.Buyer(TestEvents.NewBuyerId());
        var first = ReminderAppFactory.NewOrderId();
        var second = ReminderAppFactory.NewOrderId();
        await app.ApplyAsync(TestEvents.Created(first, buyer, app.Time.GetUtcNow()));
        await app.ApplyAsync(TestEvents.Created(second, buyer, app.Time.GetUtcNow()));

        app.Time.Advance(TimeSpan.FromMinutes(2));
        var firstSends = app.Time.GetUtcNow();
        await app.SweepAsync(Sweep.PaymentDue);
        Assert.Single(app.Recorder.SentFor(first));
        Assert.Single(app.Recorder.SentFor(second));

        app.Time.Advance(TimeSpan.FromMinutes(2));
        await app.SweepAsync(Sweep.PaymentDue);

        Assert.Single(app.Recorder.SentFor(first));
        Assert.Single(app.Recorder.SentFor(second));
        foreach (var orderId in new[] { first, second })
        {
            var deferred = Assert.Single((await app.SnapshotAsync(orderId)).Timeline, t => t.Type == TimelineTypes.Deferred);
            Assert.Equal(("payment_due.2", ThrottleReasons.BuyerDailyCap, firstSends.AddDays(1)), (deferred.ReminderId, deferred.Reason, deferred.Until));
        }

        // Another buyer is not held by this buyer's cap.
        var other = ReminderAppFactory.NewOrderId();
        await app.ApplyAsync(TestEvents.Created(other, TestEvents.Buyer(TestEvents.NewBuyerId()), app.Time.GetUtcNow().AddMinutes(-2)));
        await app.SweepAsync(Sweep.PaymentDue);
        Assert.Single(app.Recorder.SentFor(other));
    }

    [Fact]
    public async Task The_minimum_interval_of_an_order_defers_its_next_reminder()
    {
        using var app = new DispatchApp(azurite.ConnectionString, new Dictionary<string, string?>
        {
            ["Reminders__MinInterval"] = "01:00:00",
            ["Reminders__PaymentDue__Steps"] = "00:01:00,00:03:00",
            ["Reminders__PaymentDue__Window"] = "1.00:00:00",
        });
        var orderId = ReminderAppFactory.NewOrderId();
        await app.ApplyAsync(TestEvents.Created(orderId, TestEvents.Buyer(TestEvents.NewBuyerId()), app.Time.GetUtcNow()));
        app.Time.Advance(TimeSpan.FromMinutes(2));
        var firstSent = app.Time.GetUtcNow();
        await app.SweepAsync(Sweep.PaymentDue);

        app.Time.Advance(TimeSpan.FromMinutes(2));
        await app.SweepAsync(Sweep.PaymentDue);

        Assert.Equal(["payment_due.1"], app.Recorder.SentFor(orderId).Select(s => s.Message.ReminderId));
        var deferred = Assert.Single((await app.SnapshotAsync(orderId)).Timeline, t => t.Type == TimelineTypes.Deferred);
        Assert.Equal(("payment_due.2", ThrottleReasons.MinInterval, firstSent.AddHours(1)), (deferred.ReminderId, deferred.Reason, deferred.Until));

        app.Time.SetUtcNow(firstSent.AddHours(1).AddSeconds(1));
        await app.SweepAsync(Sweep.PaymentDue);
        Assert.Equal(["payment_due.1", "payment_due.2"], app.Recorder.SentFor(orderId).Select(s => s.Message.ReminderId));
    }

    [Fact]
    public async Task Opting_out_of_a_channel_sends_the_reminder_to_the_next_channels_queue()
    {
        using var app = new DispatchApp(azurite.ConnectionString, new Dictionary<string, string?>
        {
            ["Reminders__Channels"] = "push,sms,email",
            ["Reminders__PaymentDue__Steps"] = "00:01:00",
            ["Reminders__PaymentDue__Window"] = "1.00:00:00",
        });
        var optedOut = TestEvents.Buyer(TestEvents.NewBuyerId(), pushToken: "push-token-of-the-buyer-0123456789");
        var reachable = TestEvents.Buyer(TestEvents.NewBuyerId(), pushToken: "push-token-of-the-buyer-9876543210");
        using (var timeout = DispatchApp.Timeout())
        {
            await app.Buyers.SetOptOutAsync(app.Buyers.KeyOf("m-1", optedOut.Id), Channel.Push, true, timeout.Token);
        }
        var optedOutOrder = ReminderAppFactory.NewOrderId();
        var reachableOrder = ReminderAppFactory.NewOrderId();
        await app.ApplyAsync(TestEvents.Created(optedOutOrder, optedOut, app.Time.GetUtcNow()));
        await app.ApplyAsync(TestEvents.Created(reachableOrder, reachable, app.Time.GetUtcNow()));
        app.Time.Advance(TimeSpan.FromMinutes(2));

        await app.SweepAsync(Sweep.PaymentDue);

        Assert.Equal(QueueNames.Push, Assert.Single(app.Recorder.SentFor(reachableOrder)).Queue);
        Assert.Equal(QueueNames.Sms, Assert.Single(app.Recorder.SentFor(optedOutOrder)).Queue);
        Assert.Equal(Channel.Sms, (await app.ReminderAsync(optedOutOrder, "payment_due.1")).Channel);
    }

    [Fact]
    public async Task Payment_before_the_next_step_voids_the_remaining_reminders_and_no_sweep_sends_them()
    {
        using var app = new DispatchApp(azurite.ConnectionString, new Dictionary<string, string?>
        {
            ["Reminders__MinInterval"] = "00:00:00",
            ["Reminders__PaymentDue__Steps"] = "00:01:00,00:05:00",
            ["Reminders__PaymentDue__Window"] = "00:10:00",
        });
        var orderId = ReminderAppFactory.NewOrderId();
        await app.ApplyAsync(TestEvents.Created(orderId, TestEvents.Buyer(TestEvents.NewBuyerId()), app.Time.GetUtcNow()));
        app.Time.Advance(TimeSpan.FromMinutes(2));
        await app.SweepAsync(Sweep.PaymentDue);

        app.Time.Advance(TimeSpan.FromMinutes(1));
        await app.ApplyAsync(TestEvents.Event(OrderEventType.PaymentSucceeded, orderId, app.Time.GetUtcNow()));
        var snapshot = await app.SnapshotAsync(orderId);
        Assert.Equal(
            [("payment_due.2", ReminderStatus.Voided), ("payment_window_expired", ReminderStatus.Voided)],
            snapshot.Reminders.Where(r => r.ReminderId is "payment_due.2" or "payment_window_expired").Select(r => (r.ReminderId, r.Status)).Order());
        Assert.Equal(2, snapshot.Timeline.Count(t => t.Type == TimelineTypes.ReminderVoided));

        app.Time.Advance(TimeSpan.FromDays(1));
        await app.SweepAsync(Sweep.PaymentDue);

        Assert.Equal(["payment_due.1"], app.Recorder.SentFor(orderId).Select(s => s.Message.ReminderId));
        // The voided reminders' index entries are gone; what is left is the settlement check the payment planned.
        Assert.Equal(["settlement_missing"], await app.IndexEntriesAsync(orderId));
    }

    /// <summary>A fixed-offset zone (Etc/GMT±n) whose clocks show <paramref name="hour"/> o'clock at <paramref name="now"/>.</summary>
    private static TimeZoneInfo ZoneWhereLocalHourIs(int hour, DateTimeOffset now)
    {
        var offset = ((hour - now.UtcDateTime.Hour) % 24 + 24 + 12) % 24 - 12; // in [-12, 11]
        // The Etc zones' signs are POSIX-style, the opposite of the offset's.
        var id = offset == 0 ? "Etc/GMT" : "Etc/GMT" + (-offset).ToString("+0;-0", CultureInfo.InvariantCulture);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(id);
        Assert.Equal(hour, TimeZoneInfo.ConvertTime(now, zone).Hour);
        return zone;
    }
}
