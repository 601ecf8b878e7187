namespace Reminders.Core.Orders;

/// <summary>
/// One order as the facts reported about it so far. Webhooks arrive twice and out of order, so an order is a
/// join of facts: <see cref="Apply"/> is commutative, associative and idempotent, and any arrival order of the
/// same events gives an equal order.
/// <list type="bullet">
/// <item>Each fact (<see cref="CreatedAt"/>, <see cref="PaidAt"/> ...) keeps the earliest time reported for it;
/// once observed it is never forgotten.</item>
/// <item>Details (<see cref="MerchantId"/>, <see cref="Buyer"/>, <see cref="Amount"/>, <see cref="PayLaterDueAt"/>)
/// come from the newest event that carried them, newest by (event time, event id); the <c>...AsOf</c> stamps say
/// which event that was.</item>
/// <item>Payment failures are a set keyed by event id.</item>
/// <item><see cref="State"/> is derived from which facts are present (see there), so it never moves backwards.</item>
/// </list>
/// All times are held in UTC.
/// </summary>
public sealed record Order
{
    public required string OrderId { get; init; }

    public string? MerchantId { get; init; }
    public EventStamp? MerchantIdAsOf { get; init; }

    public BuyerDetails? Buyer { get; init; }
    public EventStamp? BuyerAsOf { get; init; }

    /// <summary>The order's amount, from order events (payment events' amounts are what was paid or refunded).</summary>
    public Money? Amount { get; init; }
    public EventStamp? AmountAsOf { get; init; }

    /// <summary>Set on pay-later (先用后付) orders: when the buyer has to pay by.</summary>
    public DateTimeOffset? PayLaterDueAt { get; init; }
    public EventStamp? PayLaterDueAtAsOf { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? PaidAt { get; init; }
    public DateTimeOffset? ShippedAt { get; init; }
    public DateTimeOffset? DeliveredAt { get; init; }
    public DateTimeOffset? ReceiptConfirmedAt { get; init; }
    public DateTimeOffset? CancelledAt { get; init; }
    public DateTimeOffset? RefundRequestedAt { get; init; }
    public DateTimeOffset? RefundCompletedAt { get; init; }
    public DateTimeOffset? RefundFailedAt { get; init; }
    public DateTimeOffset? SettlementCompletedAt { get; init; }

    /// <summary>Every distinct <c>payment.failed</c>, ordered by time then event id.</summary>
    public IReadOnlyList<PaymentFailure> PaymentFailures { get; init; } = [];

    /// <summary>
    /// Derived by precedence from the facts present; the first that holds wins:
    /// <code>
    /// refunded        refund completed: the money went back, nothing else matters any more
    /// refund_pending  refund requested or failed, not completed (a failed refund is still owed: it stays pending
    ///                 and the merchant is alerted)
    /// completed       receipt confirmed: the buyer kept the goods; a contradicting cancel is settled by refunds
    /// cancelled       cancelled, also after payment (a refund follows) or after shipping (returned)
    /// delivered
    /// shipped         pay-later orders ship and deliver before they are paid, so these rank above paid
    /// paid
    /// pending_payment nothing else known
    /// </code>
    /// Facts are only ever added, and each state is implied by the presence of a fact, so the state only moves up
    /// this list whatever the order events arrive in (<see cref="OrderStatePrecedence"/>).
    /// </summary>
    public OrderState State =>
        RefundCompletedAt is not null ? OrderState.Refunded
        : RefundRequestedAt is not null || RefundFailedAt is not null ? OrderState.RefundPending
        : ReceiptConfirmedAt is not null ? OrderState.Completed
        : CancelledAt is not null ? OrderState.Cancelled
        : DeliveredAt is not null ? OrderState.Delivered
        : ShippedAt is not null ? OrderState.Shipped
        : PaidAt is not null ? OrderState.Paid
        : OrderState.PendingPayment;

    /// <summary>Pay-later orders only: the due date and whether it has been paid.</summary>
    public PayLaterStatus? PayLater => PayLaterDueAt is { } dueAt ? new PayLaterStatus(dueAt, PaidAt is not null) : null;

    /// <summary>When a refund was first asked for (a <c>refund.failed</c> proves one was).</summary>
    public DateTimeOffset? RefundStartedAt => Earliest(RefundRequestedAt, RefundFailedAt);

    public static Order New(string orderId) => new() { OrderId = orderId };

    /// <summary>Replays events onto a new order.</summary>
    public static Order FromEvents(string orderId, IEnumerable<OrderEvent> events) =>
        events.Aggregate(New(orderId), (order, e) => order.Apply(e));

    /// <summary>The order with one more event's facts joined in. Applying an event again changes nothing.</summary>
    public Order Apply(OrderEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (!string.Equals(e.OrderId, OrderId, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Event {e.EventId} is for order {e.OrderId}, not {OrderId}.", nameof(e));
        }

        var at = e.OccurredAt.ToUniversalTime();
        var stamp = new EventStamp(at, e.EventId);
        var next = this;

        if (e.MerchantId is { } merchantId && stamp.IsNewerThan(MerchantIdAsOf))
        {
            next = next with { MerchantId = merchantId, MerchantIdAsOf = stamp };
        }
        if (e.Buyer is { } buyer && stamp.IsNewerThan(BuyerAsOf))
        {
            next = next with { Buyer = buyer, BuyerAsOf = stamp };
        }
        if (e.Amount is { } amount && e.Type.SourceOf() == WebhookSource.Orders && stamp.IsNewerThan(AmountAsOf))
        {
            next = next with { Amount = amount, AmountAsOf = stamp };
        }
        if (e.PayLaterDueAt is { } dueAt && stamp.IsNewerThan(PayLaterDueAtAsOf))
        {
            next = next with { PayLaterDueAt = dueAt.ToUniversalTime(), PayLaterDueAtAsOf = stamp };
        }

        return e.Type switch
        {
            OrderEventType.OrderCreated => next with { CreatedAt = Earliest(CreatedAt, at) },
            OrderEventType.OrderShipped => next with { ShippedAt = Earliest(ShippedAt, at) },
            OrderEventType.OrderDelivered => next with { DeliveredAt = Earliest(DeliveredAt, at) },
            OrderEventType.OrderReceiptConfirmed => next with { ReceiptConfirmedAt = Earliest(ReceiptConfirmedAt, at) },
            OrderEventType.OrderCancelled => next with { CancelledAt = Earliest(CancelledAt, at) },
            OrderEventType.PaymentSucceeded => next with { PaidAt = Earliest(PaidAt, at) },
            OrderEventType.PaymentFailed => next with { PaymentFailures = WithFailure(PaymentFailures, PaymentFailure.From(e, at)) },
            OrderEventType.RefundRequested => next with { RefundRequestedAt = Earliest(RefundRequestedAt, at) },
            OrderEventType.RefundCompleted => next with { RefundCompletedAt = Earliest(RefundCompletedAt, at) },
            OrderEventType.RefundFailed => next with { RefundFailedAt = Earliest(RefundFailedAt, at) },
            OrderEventType.SettlementCompleted => next with { SettlementCompletedAt = Earliest(SettlementCompletedAt, at) },
            _ => throw new ArgumentOutOfRangeException(nameof(e), e.Type, "Unknown event type."),
        };
    }

    public bool Equals(Order? other) =>
        other is not null
        && OrderId == other.OrderId
        && MerchantId == other.MerchantId && Nullable.Equals(MerchantIdAsOf, other.MerchantIdAsOf)
        && Equals(Buyer, other.Buyer) && Nullable.Equals(BuyerAsOf, other.BuyerAsOf)
        && Equals(Amount, other.Amount) && Nullable.Equals(AmountAsOf, other.AmountAsOf)
        && Nullable.Equals(PayLaterDueAt, other.PayLaterDueAt) && Nullable.Equals(PayLaterDueAtAsOf, other.PayLaterDueAtAsOf)
        && Nullable.Equals(CreatedAt, other.CreatedAt)
        && Nullable.Equals(PaidAt, other.PaidAt)
        && Nullable.Equals(ShippedAt, other.ShippedAt)
        && Nullable.Equals(DeliveredAt, other.DeliveredAt)
        && Nullable.Equals(ReceiptConfirmedAt, other.ReceiptConfirmedAt)
        && Nullable.Equals(CancelledAt, other.CancelledAt)
        && Nullable.Equals(RefundRequestedAt, other.RefundRequestedAt)
        && Nullable.Equals(RefundCompletedAt, other.RefundCompletedAt)
        && Nullable.Equals(RefundFailedAt, other.RefundFailedAt)
        && Nullable.Equals(SettlementCompletedAt, other.SettlementCompletedAt)
        && PaymentFailures.SequenceEqual(other.PaymentFailures);

    public override int GetHashCode() => HashCode.Combine(OrderId, State, CreatedAt, PaidAt, PaymentFailures.Count);

    private static DateTimeOffset? Earliest(DateTimeOffset? held, DateTimeOffset? seen) =>
        held is null ? seen : seen is null ? held : held.Value.UtcTicks <= seen.Value.UtcTicks ? held : seen;

    private static IReadOnlyList<PaymentFailure> WithFailure(IReadOnlyList<PaymentFailure> failures, PaymentFailure failure)
    {
        if (failures.Any(f => f.EventId == failure.EventId)) return failures;
        return [.. failures.Append(failure).OrderBy(f => f.At).ThenBy(f => f.EventId, StringComparer.Ordinal)];
    }
}

/// <summary>Which event a detail came from; newer means a later event time, then the larger event id.</summary>
public readonly record struct EventStamp(DateTimeOffset At, string EventId)
{
    public bool IsNewerThan(EventStamp? other) =>
        other is not { } held
        || At.UtcTicks > held.At.UtcTicks
        || (At.UtcTicks == held.At.UtcTicks && string.CompareOrdinal(EventId, held.EventId) > 0);
}

/// <summary>A pay-later order's due date and whether it has been paid.</summary>
public sealed record PayLaterStatus(DateTimeOffset DueAt, bool Paid);

/// <summary>One <c>payment.failed</c> event: <see cref="Reason"/> is a code of <see cref="PaymentFailureReasons"/> or free text.</summary>
public sealed record PaymentFailure(string EventId, DateTimeOffset At, string Reason)
{
    public string? RetryUrl { get; init; }
    public string? PaymentId { get; init; }

    internal static PaymentFailure From(OrderEvent e, DateTimeOffset at) =>
        new(e.EventId, at, e.FailureReason ?? "")
        {
            RetryUrl = e.RetryUrl,
            PaymentId = e.PaymentId,
        };
}

/// <summary>The order of <see cref="OrderState"/> that <see cref="Order.State"/> only ever climbs.</summary>
public static class OrderStatePrecedence
{
    /// <summary>0 for pending_payment up to 7 for refunded.</summary>
    public static int Rank(this OrderState state) => state switch
    {
        OrderState.PendingPayment => 0,
        OrderState.Paid => 1,
        OrderState.Shipped => 2,
        OrderState.Delivered => 3,
        OrderState.Cancelled => 4,
        OrderState.Completed => 5,
        OrderState.RefundPending => 6,
        OrderState.Refunded => 7,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };
}
