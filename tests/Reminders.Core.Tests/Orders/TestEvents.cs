using Reminders.Core.Orders;

namespace Reminders.Core.Tests.Orders;

/// <summary>Events built directly, for tests of the aggregate and the planner.</summary>
internal static class TestEvents
{
    public const string OrderId = "ord_1001";

    public static BuyerDetails Buyer(string phone = "+8613800138000") =>
        new("buyer_1") { Phone = phone, Email = "li.lei@example.com", Locale = "zh-CN", TimeZone = "Asia/Shanghai" };

    public static OrderEvent Created(DateTimeOffset at, string eventId = "evt_created", DateTimeOffset? payLaterDueAt = null, BuyerDetails? buyer = null) =>
        new(eventId, OrderEventType.OrderCreated, at, OrderId)
        {
            MerchantId = "merchant_1",
            Buyer = buyer ?? Buyer(),
            Amount = new Money(199.00m, "CNY"),
            PayLaterDueAt = payLaterDueAt,
        };

    public static OrderEvent Of(OrderEventType type, DateTimeOffset at, string? eventId = null) =>
        type == OrderEventType.OrderCreated
            ? Created(at, eventId ?? "evt_created")
            : new(eventId ?? "evt_" + type.ToWire(), type, at, OrderId)
            {
                FailureReason = type == OrderEventType.PaymentFailed ? PaymentFailureReasons.CardDeclined : null,
            };

    public static Order Replay(params OrderEvent[] events) => Order.FromEvents(OrderId, events);
}
