namespace Reminders.Core.Orders;

/// <summary>The webhook endpoint an event came in on.</summary>
public enum WebhookSource
{
    /// <summary><c>POST /api/webhooks/orders</c>: the order system.</summary>
    Orders,
    /// <summary><c>POST /api/webhooks/payments</c>: the payment gateway.</summary>
    Payments,
}

/// <summary>The event types the service acts on. Wire names are in <see cref="OrderEventTypes"/>.</summary>
public enum OrderEventType
{
    OrderCreated,
    OrderShipped,
    OrderDelivered,
    OrderReceiptConfirmed,
    OrderCancelled,
    PaymentSucceeded,
    PaymentFailed,
    RefundRequested,
    RefundCompleted,
    RefundFailed,
    SettlementCompleted,
}

/// <summary>Wire names of <see cref="OrderEventType"/> (<c>order.created</c> ...) and the endpoint each belongs to.</summary>
public static class OrderEventTypes
{
    private static readonly (OrderEventType Type, string Name, WebhookSource Source)[] All =
    [
        (OrderEventType.OrderCreated, "order.created", WebhookSource.Orders),
        (OrderEventType.OrderShipped, "order.shipped", WebhookSource.Orders),
        (OrderEventType.OrderDelivered, "order.delivered", WebhookSource.Orders),
        (OrderEventType.OrderReceiptConfirmed, "order.receipt_confirmed", WebhookSource.Orders),
        (OrderEventType.OrderCancelled, "order.cancelled", WebhookSource.Orders),
        (OrderEventType.PaymentSucceeded, "payment.succeeded", WebhookSource.Payments),
        (OrderEventType.PaymentFailed, "payment.failed", WebhookSource.Payments),
        (OrderEventType.RefundRequested, "refund.requested", WebhookSource.Payments),
        (OrderEventType.RefundCompleted, "refund.completed", WebhookSource.Payments),
        (OrderEventType.RefundFailed, "refund.failed", WebhookSource.Payments),
        (OrderEventType.SettlementCompleted, "settlement.completed", WebhookSource.Payments),
    ];

    public static IReadOnlyList<OrderEventType> Values { get; } = [.. All.Select(e => e.Type)];

    public static string ToWire(this OrderEventType type) => Find(type).Name;

    /// <summary>The endpoint that accepts events of this type.</summary>
    public static WebhookSource SourceOf(this OrderEventType type) => Find(type).Source;

    /// <summary>Exact, case-sensitive match of a wire name.</summary>
    public static bool TryParse(string? name, out OrderEventType type)
    {
        foreach (var entry in All)
        {
            if (string.Equals(entry.Name, name, StringComparison.Ordinal))
            {
                type = entry.Type;
                return true;
            }
        }
        type = default;
        return false;
    }

    private static (OrderEventType Type, string Name, WebhookSource Source) Find(OrderEventType type)
    {
        foreach (var entry in All)
        {
            if (entry.Type == type) return entry;
        }
        throw new ArgumentOutOfRangeException(nameof(type), type, null);
    }
}
