using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Reminders.App.Hosting;
using Reminders.App.Orders;
using Reminders.Core;
using Reminders.Core.Orders;
using Reminders.Core.Planning;

namespace Reminders.App.Functions;

/// <summary>GET /api/orders/{orderId}: the order's state, reminders and timeline, contacts masked.</summary>
public sealed class GetOrder(OrderStore orders)
{
    [Function(nameof(GetOrder))]
    [EndpointSummary("An order with its reminders and timeline")]
    [Tags("Admin")]
    [ProducesProblem(StatusCodes.Status400BadRequest)]
    [ProducesProblem(StatusCodes.Status404NotFound)]
    public async Task<Results<Ok<OrderView>, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/orders/{orderId}")] HttpRequest request, string orderId, CancellationToken cancellationToken)
    {
        if (!OrderEventParser.IsValidId(orderId)) return Problems.BadRequest("orderId", "must be 1 to 64 characters of A-Z a-z 0-9 . _ : -");
        var snapshot = await orders.GetAsync(orderId, cancellationToken);
        return snapshot is null ? Problems.NotFound($"No order {orderId} is known.") : TypedResults.Ok(OrderView.From(snapshot));
    }
}

/// <summary>The admin view of an order. Contact details are masked; nothing here shows them whole.</summary>
public sealed record OrderView(
    string OrderId,
    string? MerchantId,
    string State,
    OrderBuyerView? Buyer,
    MoneyView? Amount,
    PayLaterView? PayLater,
    OrderFactsView Facts,
    IReadOnlyList<ReminderView> Reminders,
    IReadOnlyList<TimelineEntryView> Timeline)
{
    public static OrderView From(OrderSnapshot snapshot)
    {
        var order = snapshot.Order;
        return new OrderView(
            order.OrderId,
            order.MerchantId,
            order.State.ToWire(),
            order.Buyer is { } b ? OrderBuyerView.From(b) : null,
            order.Amount is { } a ? new MoneyView(a.Value.ToString(CultureInfo.InvariantCulture), a.Currency) : null,
            order.PayLater is { } p ? new PayLaterView(p.DueAt, p.Paid) : null,
            OrderFactsView.From(order),
            snapshot.Reminders.OrderBy(r => r.PlannedFor).ThenBy(r => r.ReminderId, StringComparer.Ordinal).Select(ReminderView.From).ToList(),
            snapshot.Timeline.OrderBy(t => t.At).Select(TimelineEntryView.From).ToList());
    }
}

/// <summary>The buyer of an order, contacts masked (null when there is none).</summary>
public sealed record OrderBuyerView(string Id, string? Phone, string? Email, string? PushToken, string? Locale, string? TimeZone)
{
    public static OrderBuyerView From(BuyerDetails buyer) => new(
        buyer.Id,
        NullIfEmpty(ContactMasking.MaskPhone(buyer.Phone)),
        NullIfEmpty(ContactMasking.MaskEmail(buyer.Email)),
        NullIfEmpty(ContactMasking.MaskPushToken(buyer.PushToken)),
        buyer.Locale,
        buyer.TimeZone);

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}

/// <summary>An amount as a decimal string (no binary rounding) and its ISO 4217 code.</summary>
public sealed record MoneyView(string Value, string Currency);

/// <summary>A pay-later (先用后付) order's due time and whether it is paid.</summary>
public sealed record PayLaterView(DateTimeOffset DueAt, bool Paid);

/// <summary>When each fact of the order became known (null: not yet), and the payment failures.</summary>
public sealed record OrderFactsView(
    DateTimeOffset? CreatedAt,
    DateTimeOffset? PaidAt,
    DateTimeOffset? ShippedAt,
    DateTimeOffset? DeliveredAt,
    DateTimeOffset? ReceiptConfirmedAt,
    DateTimeOffset? CancelledAt,
    DateTimeOffset? RefundRequestedAt,
    DateTimeOffset? RefundCompletedAt,
    DateTimeOffset? RefundFailedAt,
    DateTimeOffset? SettlementCompletedAt,
    IReadOnlyList<PaymentFailureView> PaymentFailures)
{
    public static OrderFactsView From(Order order) => new(
        order.CreatedAt, order.PaidAt, order.ShippedAt, order.DeliveredAt, order.ReceiptConfirmedAt, order.CancelledAt,
        order.RefundRequestedAt, order.RefundCompletedAt, order.RefundFailedAt, order.SettlementCompletedAt,
        order.PaymentFailures.Select(f => new PaymentFailureView(f.At, f.Reason)).ToList());
}

public sealed record PaymentFailureView(DateTimeOffset At, string Reason);

/// <summary>One reminder of an order and where it stands.</summary>
public sealed record ReminderView(
    string ReminderId,
    string Kind,
    int Step,
    string Audience,
    string Status,
    DateTimeOffset PlannedFor,
    DateTimeOffset DueAt,
    string? Channel,
    int Attempt,
    DateTimeOffset? EnqueuedAt,
    DateTimeOffset? SentAt,
    string? ProviderMessageId,
    string? Reason)
{
    public static ReminderView From(ReminderRow r) => new(
        r.ReminderId, r.Kind.ToWire(), r.Step, r.Audience.ToWire(), r.Status.ToWire(), r.PlannedFor, r.DueAt,
        r.Channel?.ToWire(), r.Attempt, r.EnqueuedAt, r.SentAt, r.ProviderMessageId, r.Reason);
}

/// <summary>One entry of an order's timeline.</summary>
public sealed record TimelineEntryView(
    DateTimeOffset At,
    string Type,
    string? EventType,
    string? Kind,
    string? ReminderId,
    string? Channel,
    string? Reason,
    DateTimeOffset? Until,
    string? Details)
{
    public static TimelineEntryView From(TimelineEntry t) => new(t.At, t.Type, t.EventType, t.Kind, t.ReminderId, t.Channel, t.Reason, t.Until, t.Detail);
}
