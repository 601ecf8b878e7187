using Reminders.App.Merchants;
using Reminders.App.Orders;
using Reminders.Core;
using Reminders.Core.Notifications;
using Reminders.Core.Orders;
using Reminders.Core.Planning;
using Reminders.Core.Settings;
using Reminders.Core.Templates;

namespace Reminders.App.Delivery;

/// <summary>Renders a reminder row of an order into the words of its message, in the reader's locale.</summary>
public sealed class ReminderContent(MerchantPolicies policies, MerchantCatalog merchants)
{
    /// <summary>The buyer's message on <paramref name="channel"/>: in the buyer's locale, the merchant's default locale as fallback.</summary>
    public async Task<RenderedMessage> ForBuyerAsync(Order order, ReminderRow reminder, Channel channel, CancellationToken cancellationToken)
    {
        var merchant = await merchants.ProfileAsync(order.MerchantId, cancellationToken);
        var settings = await policies.ForOrderAsync(order, cancellationToken);
        var model = Model(order, reminder, merchant, settings, order.Buyer?.TimeZone ?? settings.DefaultTimeZone) with
        {
            Audience = reminder.Kind == ReminderKind.RefundStalled ? MessageAudience.Buyer : null,
        };
        return ReminderTemplates.Render(reminder.Kind, channel, order.Buyer?.Locale, model, merchant.Locale);
    }

    /// <summary>The merchant's alert, in the merchant's locale; the buyer appears only masked.</summary>
    public async Task<RenderedMessage> ForMerchantAsync(Order order, ReminderRow reminder, CancellationToken cancellationToken)
    {
        var merchant = await merchants.ProfileAsync(order.MerchantId, cancellationToken);
        var settings = await policies.ForOrderAsync(order, cancellationToken);
        var model = Model(order, reminder, merchant, settings, settings.DefaultTimeZone) with
        {
            Audience = MessageAudience.Merchant,
            BuyerLabel = MaskedBuyerLabel(order.Buyer),
        };
        return ReminderTemplates.Render(reminder.Kind, Channel.Email, merchant.Locale, model, merchant.Locale);
    }

    /// <summary>"b-1 (+86138****8000)": the buyer id and one masked contact.</summary>
    public static string MaskedBuyerLabel(BuyerDetails? buyer)
    {
        if (buyer is null) return "-";
        var contact = buyer.Phone is not null ? ContactMasking.MaskPhone(buyer.Phone)
            : buyer.Email is not null ? ContactMasking.MaskEmail(buyer.Email)
            : null;
        return contact is null ? buyer.Id : $"{buyer.Id} ({contact})";
    }

    private static TemplateModel Model(Order order, ReminderRow reminder, MerchantProfile merchant, ReminderSettings settings, string timeZone)
    {
        var failure = reminder.Kind == ReminderKind.PaymentFailed
            ? order.PaymentFailures.FirstOrDefault(f => ReminderIds.PaymentFailed(f.EventId) == reminder.ReminderId)
            : null;
        return new TemplateModel
        {
            OrderId = order.OrderId,
            MerchantName = merchant.DisplayName,
            Amount = new Core.Orders.Money(order.Amount?.Value ?? 0m, order.Amount?.Currency ?? "CNY"),
            Link = failure?.RetryUrl ?? merchant.OrderLink(order.OrderId),
            DueAt = DeadlineOf(order, reminder.Kind, settings),
            TimeZoneId = timeZone,
            PaymentFailureCode = failure?.Reason,
            RefundStatus = reminder.Kind == ReminderKind.RefundStalled
                ? order.RefundFailedAt is not null ? RefundStatus.Failed : RefundStatus.Requested
                : null,
        };
    }

    /// <summary>The deadline a message of <paramref name="kind"/> is about, by the settings the order was planned with.</summary>
    private static DateTimeOffset? DeadlineOf(Order order, ReminderKind kind, ReminderSettings settings) => kind switch
    {
        ReminderKind.PaymentDue or ReminderKind.PaymentWindowExpired => order.CreatedAt + settings.PaymentDueWindow,
        ReminderKind.ConfirmReceipt or ReminderKind.AutoConfirmDue => order.DeliveredAt + settings.ConfirmReceiptAutoConfirmAfter,
        ReminderKind.PayLaterDue => order.PayLaterDueAt,
        ReminderKind.SettlementMissing => order.PaidAt + settings.SettlementWindow,
        ReminderKind.RefundStalled => order.RefundStartedAt + settings.RefundWindow,
        _ => null,
    };
}
