using Reminders.App.Orders;
using Reminders.Core;
using Reminders.Core.Notifications;
using Reminders.Core.Orders;
using Reminders.Core.Planning;

namespace Reminders.App.Reports;

/// <summary>What a reminder is after: the order's payment (催付, 先用后付) or its receipt confirmation (提醒收货).</summary>
public enum RecoveryGoal
{
    Payment,
    Confirmation,
}

/// <summary>A payment or confirmation credited to the last reminder sent before it.</summary>
/// <param name="At">When the order was paid or confirmed (the earliest time reported for that fact).</param>
public sealed record Attribution(RecoveryGoal Goal, DateTimeOffset At, ReminderRow Reminder)
{
    public DateTimeOffset SentAt => Reminder.SentAt!.Value;

    public TimeSpan After => At - SentAt;

    public string GoalName => Goal == RecoveryGoal.Payment ? "payment" : "confirmation";

    public TimelineEntry ToTimelineEntry(DateTimeOffset now) =>
        TimelineEntry.ForReminder(now, RecoveryAttribution.TimelineType, Reminder) with
        {
            Channel = Reminder.Channel?.ToWire(),
            Reason = GoalName,
            Detail = $"{GoalName} {After:c} after {Reminder.ReminderId} was sent",
        };
}

/// <summary>
/// Credits an order's payment (or receipt confirmation) to the last reminder of its kind sent before it within the
/// attribution window. Only the event that first brings the fact attributes: a replayed or second payment finds the
/// order paid already. A payment before the reminder (an event that arrives late) is credited to no reminder.
/// </summary>
public static class RecoveryAttribution
{
    /// <summary>The timeline entry type of an attribution.</summary>
    public const string TimelineType = "recovery_attributed";

    /// <summary>The reminder kinds a report covers, and what each is after.</summary>
    public static RecoveryGoal? GoalOf(ReminderKind kind) => kind switch
    {
        ReminderKind.PaymentDue or ReminderKind.PayLaterDue => RecoveryGoal.Payment,
        ReminderKind.ConfirmReceipt => RecoveryGoal.Confirmation,
        _ => null,
    };

    /// <summary>Whether the order already has what a reminder of <paramref name="kind"/> is after.</summary>
    public static bool IsReached(Order order, ReminderKind kind) => GoalOf(kind) switch
    {
        RecoveryGoal.Payment => order.PaidAt is not null,
        RecoveryGoal.Confirmation => order.ReceiptConfirmedAt is not null,
        _ => false,
    };

    public static IReadOnlyList<Attribution> Find(Order before, Order after, IEnumerable<ReminderRow> reminders, TimeSpan window)
    {
        var sent = reminders.Where(r => r.Status == ReminderStatus.Sent && r.Audience == Audience.Buyer && r.SentAt is not null).ToList();
        var found = new List<Attribution>();
        if (before.PaidAt is null && after.PaidAt is { } paidAt && Last(sent, RecoveryGoal.Payment, paidAt, window) is { } payment)
        {
            found.Add(new Attribution(RecoveryGoal.Payment, paidAt, payment));
        }
        if (before.ReceiptConfirmedAt is null && after.ReceiptConfirmedAt is { } confirmedAt
            && Last(sent, RecoveryGoal.Confirmation, confirmedAt, window) is { } confirmation)
        {
            found.Add(new Attribution(RecoveryGoal.Confirmation, confirmedAt, confirmation));
        }
        return found;
    }

    private static ReminderRow? Last(IEnumerable<ReminderRow> sent, RecoveryGoal goal, DateTimeOffset at, TimeSpan window) =>
        sent.Where(r => GoalOf(r.Kind) == goal && r.SentAt!.Value < at && at - r.SentAt.Value <= window)
            .MaxBy(r => r.SentAt!.Value);
}
