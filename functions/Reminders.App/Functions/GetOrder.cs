using Microsoft.AspNetCore.Http;
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
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "api/orders/{orderId}")] HttpRequest request, string orderId, CancellationToken cancellationToken)
    {
        if (!OrderEventParser.IsValidId(orderId)) return Problems.BadRequest("orderId", "must be 1 to 64 characters of A-Z a-z 0-9 . _ : -");
        var snapshot = await orders.GetAsync(orderId, cancellationToken);
        return snapshot is null ? Problems.NotFound($"No order {orderId} is known.") : Results.Ok(OrderView.From(snapshot));
    }
}

/// <summary>The admin view of an order. Contact details are masked; nothing here shows them whole.</summary>
public static class OrderView
{
    public static object From(OrderSnapshot snapshot)
    {
        var order = snapshot.Order;
        return new
        {
            orderId = order.OrderId,
            merchantId = order.MerchantId,
            state = order.State.ToWire(),
            buyer = order.Buyer is { } b
                ? new
                {
                    id = b.Id,
                    phone = NullIfEmpty(ContactMasking.MaskPhone(b.Phone)),
                    email = NullIfEmpty(ContactMasking.MaskEmail(b.Email)),
                    pushToken = NullIfEmpty(ContactMasking.MaskPushToken(b.PushToken)),
                    locale = b.Locale,
                    timeZone = b.TimeZone,
                }
                : null,
            amount = order.Amount is { } a ? new { value = a.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), currency = a.Currency } : null,
            payLater = order.PayLater is { } p ? new { dueAt = p.DueAt, paid = p.Paid } : null,
            facts = new
            {
                createdAt = order.CreatedAt,
                paidAt = order.PaidAt,
                shippedAt = order.ShippedAt,
                deliveredAt = order.DeliveredAt,
                receiptConfirmedAt = order.ReceiptConfirmedAt,
                cancelledAt = order.CancelledAt,
                refundRequestedAt = order.RefundRequestedAt,
                refundCompletedAt = order.RefundCompletedAt,
                refundFailedAt = order.RefundFailedAt,
                settlementCompletedAt = order.SettlementCompletedAt,
                paymentFailures = order.PaymentFailures.Select(f => new { at = f.At, reason = f.Reason }),
            },
            reminders = snapshot.Reminders.OrderBy(r => r.PlannedFor).ThenBy(r => r.ReminderId, StringComparer.Ordinal).Select(r => new
            {
                reminderId = r.ReminderId,
                kind = r.Kind.ToWire(),
                step = r.Step,
                audience = r.Audience.ToWire(),
                status = r.Status.ToWire(),
                plannedFor = r.PlannedFor,
                dueAt = r.DueAt,
                channel = r.Channel?.ToWire(),
                attempt = r.Attempt,
                enqueuedAt = r.EnqueuedAt,
                sentAt = r.SentAt,
                providerMessageId = r.ProviderMessageId,
                reason = r.Reason,
            }),
            timeline = snapshot.Timeline.OrderBy(t => t.At).Select(t => new
            {
                at = t.At,
                type = t.Type,
                eventType = t.EventType,
                kind = t.Kind,
                reminderId = t.ReminderId,
                channel = t.Channel,
                reason = t.Reason,
                until = t.Until,
                details = t.Detail,
            }),
        };
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
