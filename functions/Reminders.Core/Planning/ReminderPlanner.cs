using Reminders.Core.Notifications;
using Reminders.Core.Orders;
using Reminders.Core.Settings;

namespace Reminders.Core.Planning;

/// <summary>
/// The complete set of reminders and deadlines that should be pending for an order, whatever has been sent
/// already. Callers diff it against the previous plan: entries no longer planned are void; sent ones stay sent.
/// </summary>
public static class ReminderPlanner
{
    /// <summary>The plan of the enabled kinds, ordered by due time then id. Entries may be due in the past: they are due now.</summary>
    public static IReadOnlyList<PlannedReminder> Plan(Order order, ReminderSettings settings)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(settings);
        var plan = new List<PlannedReminder>();

        if (order.CreatedAt is { } createdAt && ReminderRelevance.IsStillDue(order, ReminderKind.PaymentDue))
        {
            AddSteps(plan, ReminderKind.PaymentDue, ReminderIds.PaymentDue, createdAt, settings.PaymentDueSteps);
            plan.Add(new(ReminderIds.PaymentWindowExpired, ReminderKind.PaymentWindowExpired, 1,
                createdAt + settings.PaymentDueWindow, Audience.Merchant, Transactional: true));
        }

        if (order.DeliveredAt is { } deliveredAt && ReminderRelevance.IsStillDue(order, ReminderKind.ConfirmReceipt))
        {
            AddSteps(plan, ReminderKind.ConfirmReceipt, ReminderIds.ConfirmReceipt, deliveredAt, settings.ConfirmReceiptSteps);
            plan.Add(new(ReminderIds.AutoConfirmDue, ReminderKind.AutoConfirmDue, 1,
                deliveredAt + settings.ConfirmReceiptAutoConfirmAfter, Audience.Merchant, Transactional: true));
        }

        if (order.PayLaterDueAt is { } payBy && ReminderRelevance.IsStillDue(order, ReminderKind.PayLaterDue))
        {
            AddSteps(plan, ReminderKind.PayLaterDue, ReminderIds.PayLaterDue, payBy, settings.PayLaterSteps);
        }

        if (ReminderRelevance.IsStillDue(order, ReminderKind.PaymentFailed))
        {
            foreach (var failure in order.PaymentFailures)
            {
                plan.Add(new(ReminderIds.PaymentFailed(failure.EventId), ReminderKind.PaymentFailed, 1,
                    failure.At, Audience.Buyer, Transactional: true));
            }
        }

        if (order.PaidAt is { } paidAt && ReminderRelevance.IsStillDue(order, ReminderKind.SettlementMissing))
        {
            plan.Add(new(ReminderIds.SettlementMissing, ReminderKind.SettlementMissing, 1,
                paidAt + settings.SettlementWindow, Audience.Merchant, Transactional: true));
        }

        if (order.RefundStartedAt is { } refundStartedAt && ReminderRelevance.IsStillDue(order, ReminderKind.RefundStalled))
        {
            // A failed refund is a stalled refund: alert at once rather than wait for the window to end.
            var dueAt = refundStartedAt + settings.RefundWindow;
            if (order.RefundFailedAt is { } failedAt && failedAt < dueAt) dueAt = failedAt;
            plan.Add(new(ReminderIds.RefundStalledMerchant, ReminderKind.RefundStalled, 1, dueAt, Audience.Merchant, Transactional: true));
            plan.Add(new(ReminderIds.RefundStalledBuyer, ReminderKind.RefundStalled, 1, dueAt, Audience.Buyer, Transactional: true));
        }

        return [.. plan.Where(r => settings.EnabledKinds.Contains(r.Kind)).OrderBy(r => r.DueAt).ThenBy(r => r.ReminderId, StringComparer.Ordinal)];
    }

    private static void AddSteps(List<PlannedReminder> plan, ReminderKind kind, Func<int, string> id, DateTimeOffset from, IReadOnlyList<TimeSpan> steps)
    {
        for (var i = 0; i < steps.Count; i++)
        {
            plan.Add(new(id(i + 1), kind, i + 1, from + steps[i], Audience.Buyer, Transactional: false));
        }
    }
}
