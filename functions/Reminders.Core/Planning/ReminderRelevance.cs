using Reminders.Core.Notifications;
using Reminders.Core.Orders;
using Reminders.Core.Settings;

namespace Reminders.Core.Planning;

/// <summary>
/// Whether a kind of reminder still makes sense for an order as it stands. The planner plans a kind only while
/// this holds, and senders ask again right before sending, because the order may have moved on since.
/// </summary>
public static class ReminderRelevance
{
    public static bool IsStillDue(Order order, ReminderKind kind)
    {
        ArgumentNullException.ThrowIfNull(order);
        var state = order.State;
        return kind switch
        {
            // Placed, not paid, not a pay-later order (those have their own reminders), not cancelled.
            ReminderKind.PaymentDue or ReminderKind.PaymentWindowExpired =>
                order.CreatedAt is not null && order.PayLaterDueAt is null && state == OrderState.PendingPayment,
            ReminderKind.ConfirmReceipt or ReminderKind.AutoConfirmDue =>
                order.DeliveredAt is not null && state == OrderState.Delivered,
            // Pay-later orders stay due after shipping, delivery and confirmation until paid.
            ReminderKind.PayLaterDue =>
                order.PayLaterDueAt is not null && order.PaidAt is null && !IsClosed(state),
            ReminderKind.PaymentFailed =>
                order.PaymentFailures.Count > 0 && order.PaidAt is null && !IsClosed(state),
            // The money left the buyer; it matters whatever happened to the goods, unless it went back.
            ReminderKind.SettlementMissing =>
                order.PaidAt is not null && order.SettlementCompletedAt is null && order.RefundCompletedAt is null,
            ReminderKind.RefundStalled => state == OrderState.RefundPending,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    /// <summary>True while <paramref name="reminderId"/> is in the order's current plan (kind, step and failure alike).</summary>
    public static bool IsStillDue(Order order, string reminderId, ReminderSettings settings) =>
        ReminderPlanner.Plan(order, settings).Any(r => r.ReminderId == reminderId);

    private static bool IsClosed(OrderState state) =>
        state is OrderState.Cancelled or OrderState.RefundPending or OrderState.Refunded;
}
