namespace Reminders.Core.Orders;

/// <summary>Where an order stands. Wire names (snake_case) are part of the admin API contract.</summary>
public enum OrderState
{
    PendingPayment,
    Paid,
    Shipped,
    Delivered,
    Completed,
    Cancelled,
    RefundPending,
    Refunded,
}
