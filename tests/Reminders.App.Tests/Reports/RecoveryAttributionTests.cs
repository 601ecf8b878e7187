using Reminders.App.Orders;
using Reminders.App.Reports;
using Reminders.Core.Notifications;
using Reminders.Core.Orders;
using Reminders.Core.Planning;

namespace Reminders.App.Tests.Reports;

public sealed class RecoveryAttributionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 2, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromHours(24);

    private static ReminderRow Sent(string reminderId, ReminderKind kind, int step, DateTimeOffset sentAt) =>
        new("o-1", reminderId, kind, step, Audience.Buyer, false, sentAt, sentAt, ReminderStatus.Sent) { SentAt = sentAt, Channel = Channel.Sms };

    private static Order Unpaid => Order.New("o-1") with { CreatedAt = T0 };

    [Fact]
    public void A_payment_is_credited_to_the_last_reminder_sent_before_it()
    {
        var first = Sent("payment_due.1", ReminderKind.PaymentDue, 1, T0.AddMinutes(30));
        var second = Sent("payment_due.2", ReminderKind.PaymentDue, 2, T0.AddHours(6));

        var found = RecoveryAttribution.Find(Unpaid, Unpaid with { PaidAt = T0.AddHours(7) }, [first, second], Window);

        var attribution = Assert.Single(found);
        Assert.Equal((RecoveryGoal.Payment, "payment_due.2", TimeSpan.FromHours(1)), (attribution.Goal, attribution.Reminder.ReminderId, attribution.After));
    }

    [Fact]
    public void A_payment_before_the_reminder_is_credited_to_none()
    {
        var reminder = Sent("payment_due.1", ReminderKind.PaymentDue, 1, T0.AddMinutes(30));

        Assert.Empty(RecoveryAttribution.Find(Unpaid, Unpaid with { PaidAt = T0.AddMinutes(29) }, [reminder], Window));
    }

    [Fact]
    public void A_payment_after_the_window_is_credited_to_none()
    {
        var reminder = Sent("payment_due.1", ReminderKind.PaymentDue, 1, T0);

        Assert.Empty(RecoveryAttribution.Find(Unpaid, Unpaid with { PaidAt = T0 + Window + TimeSpan.FromSeconds(1) }, [reminder], Window));
    }

    [Fact]
    public void A_payment_on_an_order_already_paid_is_credited_to_none()
    {
        var reminder = Sent("payment_due.1", ReminderKind.PaymentDue, 1, T0);
        var paid = Unpaid with { PaidAt = T0.AddMinutes(5) };

        Assert.Empty(RecoveryAttribution.Find(paid, paid, [reminder], Window));
    }

    [Fact]
    public void A_receipt_confirmation_is_credited_to_a_confirm_receipt_reminder_not_a_payment_reminder()
    {
        var payment = Sent("payment_due.1", ReminderKind.PaymentDue, 1, T0.AddMinutes(30));
        var receipt = Sent("confirm_receipt.1", ReminderKind.ConfirmReceipt, 1, T0.AddHours(2));
        var delivered = Unpaid with { PaidAt = T0.AddMinutes(40), DeliveredAt = T0.AddHours(1) };

        var found = RecoveryAttribution.Find(delivered, delivered with { ReceiptConfirmedAt = T0.AddHours(3) }, [payment, receipt], Window);

        Assert.Equal((RecoveryGoal.Confirmation, "confirm_receipt.1"), (Assert.Single(found).Goal, found[0].Reminder.ReminderId));
    }

    [Fact]
    public void Reminders_not_sent_and_transactional_notices_are_not_credited()
    {
        var enqueued = Sent("payment_due.1", ReminderKind.PaymentDue, 1, T0) with { Status = ReminderStatus.Enqueued };
        var notice = Sent(ReminderIds.PaymentFailed("evt-1"), ReminderKind.PaymentFailed, 1, T0.AddMinutes(1));

        Assert.Empty(RecoveryAttribution.Find(Unpaid, Unpaid with { PaidAt = T0.AddMinutes(2) }, [enqueued, notice], Window));
    }
}
