using Reminders.Core.Notifications;
using Reminders.Core.Orders;

namespace Reminders.Core.Templates;

/// <summary>en. Plain ASCII and GSM-7 only, so buyer SMS stay in one 160-character segment.</summary>
internal sealed class EnglishTexts : ILocaleTexts
{
    public static readonly EnglishTexts Instance = new();

    public string Locale => TemplateLocales.English;

    public string SmsOptOut => "Reply STOP to opt out";

    public string BuyerEmailFooter(string merchant) => $"Sent on behalf of {merchant}. You can turn these reminders off in your account settings.";

    public PaymentFailureWords Failure(string? code) => code switch
    {
        PaymentFailureReasons.InsufficientFunds => new("There were not enough funds in the account.", "Try another card or payment method."),
        PaymentFailureReasons.CardDeclined => new("Your bank declined the payment.", "Contact your bank, or pay with another card or method."),
        PaymentFailureReasons.ExpiredCard => new("The card has expired.", "Update your card details or pay with another card."),
        PaymentFailureReasons.AuthenticationRequired => new("Your bank asked you to confirm the payment, and it was not confirmed.", "Pay again and complete your bank's check (for example a code sent by text)."),
        PaymentFailureReasons.ProcessingError => new("The payment provider had a temporary problem.", "Please try again in a few minutes."),
        _ => new("The payment did not go through.", "Please try again, or use another payment method."),
    };

    public PaymentFailureWords ShortFailure(string? code) => code switch
    {
        PaymentFailureReasons.InsufficientFunds => new("not enough funds", "try another card or method"),
        PaymentFailureReasons.CardDeclined => new("declined by your bank", "ask your bank or pay another way"),
        PaymentFailureReasons.ExpiredCard => new("card expired", "update it or use another card"),
        PaymentFailureReasons.AuthenticationRequired => new("bank check not done", "pay again and complete it"),
        PaymentFailureReasons.ProcessingError => new("temporary error", "please try again shortly"),
        _ => new("not completed", "try again or use another method"),
    };

    private static (string Status, string NextStep, string Short) Refund(RefundStatus status) => status switch
    {
        RefundStatus.Approved => ("The merchant approved your refund and it is on its way.", "Refunds usually take a few business days to reach your original payment method.", "was approved and is on its way"),
        RefundStatus.Processing => ("Your refund is being processed by the payment provider.", "When it arrives depends on your bank.", "is being processed"),
        RefundStatus.Failed => ("The refund could not be completed.", "Please contact the merchant so they can issue it again.", "failed; please contact the merchant"),
        RefundStatus.Completed => ("Your refund has been completed.", "If you cannot see it yet, please contact your bank.", "is complete"),
        _ => ("Your refund request was received and is waiting for the merchant.", "We have asked the merchant to handle it soon.", "is waiting for the merchant"),
    };

    public MessageParts Buyer(ReminderKind kind, TemplateValues v)
    {
        switch (kind)
        {
            case ReminderKind.PaymentDue:
                return new(
                    $"Order {v.OrderId} is awaiting payment",
                    v.DueAt is null ? $"Your {v.Merchant} order of {v.Amount} is not paid yet." : $"Your {v.Merchant} order of {v.Amount} is not paid yet. Please pay by {v.DueAt}.",
                    v.DueAt is null
                        ? $"{v.Merchant}: order {v.OrderId} ({v.Amount}) is awaiting payment. Pay here:"
                        : $"{v.Merchant}: order {v.OrderId} ({v.Amount}) is awaiting payment. Pay by {v.DueAt}:",
                    [
                        $"Your order {v.OrderId} at {v.Merchant} is not paid yet. Amount due: {v.Amount}.",
                        v.DueAt is null ? "Please pay soon; unpaid orders are cancelled." : $"Please pay by {v.DueAt}; after that the order is cancelled.",
                    ],
                    "Pay now");
            case ReminderKind.ConfirmReceipt:
                return new(
                    $"Please confirm you received order {v.OrderId}",
                    $"Your {v.Merchant} order was delivered. Please confirm once you have it.",
                    $"{v.Merchant}: order {v.OrderId} was delivered. Please confirm receipt:",
                    [
                        $"Your order {v.OrderId} at {v.Merchant} was delivered. Please confirm receipt once you have it.",
                        v.DueAt is null
                            ? $"If something is wrong, please contact {v.Merchant}."
                            : $"If you do nothing, receipt is confirmed automatically on {v.DueAt}. If something is wrong, please contact {v.Merchant}.",
                    ],
                    "Confirm receipt");
            case ReminderKind.PayLaterDue:
                return new(
                    $"Pay-later bill for order {v.OrderId}",
                    v.DueAt is null ? $"{v.Amount} is due for your {v.Merchant} pay-later order." : $"{v.Amount} for your {v.Merchant} pay-later order is due {v.DueAt}.",
                    v.DueAt is null
                        ? $"{v.Merchant}: {v.Amount} for pay-later order {v.OrderId} is due. Pay here:"
                        : $"{v.Merchant}: {v.Amount} for pay-later order {v.OrderId} is due {v.DueAt}. Pay here:",
                    [
                        v.DueAt is null
                            ? $"Your pay-later order {v.OrderId} at {v.Merchant}: {v.Amount} is due."
                            : $"Your pay-later order {v.OrderId} at {v.Merchant}: {v.Amount} is due {v.DueAt}.",
                        "Please pay on time to keep using pay later.",
                    ],
                    "Pay now");
            case ReminderKind.PaymentFailed:
            {
                var words = Failure(v.FailureCode);
                var brief = ShortFailure(v.FailureCode);
                return new(
                    $"Payment for order {v.OrderId} did not go through",
                    $"Your payment of {v.Amount} failed: {brief.Reason}. {Capitalize(brief.NextStep)}.",
                    $"{v.Merchant}: payment of {v.Amount} failed: {brief.Reason}. {Capitalize(brief.NextStep)}:",
                    [$"Your payment of {v.Amount} for order {v.OrderId} at {v.Merchant} did not go through. {words.Reason}", words.NextStep],
                    "Try again");
            }
            case ReminderKind.RefundStalled:
            {
                var refund = Refund(v.Refund);
                return new(
                    $"Refund update for order {v.OrderId}",
                    $"Your {v.Merchant} refund of {v.Amount} {refund.Short}.",
                    $"{v.Merchant}: refund of {v.Amount} (order ending {v.OrderTail}) {refund.Short}. Details:",
                    [$"Your refund of {v.Amount} for order {v.OrderId} at {v.Merchant}: {refund.Status}", refund.NextStep],
                    "View refund");
            }
            default:
                throw new ArgumentException($"{kind.ToWire()} has no buyer message.", nameof(kind));
        }
    }

    public MessageParts Merchant(ReminderKind kind, TemplateValues v)
    {
        switch (kind)
        {
            case ReminderKind.SettlementMissing:
            {
                var by = v.DueAt is null ? "within its window" : $"by {v.DueAt}";
                return new(
                    $"Settlement missing for order {v.OrderId}",
                    $"Order {v.OrderId} was paid ({v.Amount}) but no settlement arrived {by}.",
                    $"Settlement missing: order {v.OrderId} was paid ({v.Amount}) but no settlement arrived {by}. Please check your gateway.",
                    [
                        $"The payment gateway reported order {v.OrderId} (buyer {v.BuyerLabel}) as paid, {v.Amount}, but the settlement had not reached you {by}.",
                        "Please check this transaction's settlement with your payment gateway.",
                    ],
                    "View order");
            }
            case ReminderKind.PaymentWindowExpired:
            {
                var by = v.DueAt is null ? "within the payment window" : $"by {v.DueAt}";
                return new(
                    $"Payment window expired for order {v.OrderId}",
                    $"Order {v.OrderId} ({v.Amount}) was not paid {by}.",
                    $"Order {v.OrderId} ({v.Amount}) was not paid {by}. The payment window has closed.",
                    [
                        $"Order {v.OrderId} ({v.Amount}, buyer {v.BuyerLabel}) was not paid {by}. The payment window has closed.",
                        "You may cancel the order or contact the buyer.",
                    ],
                    "View order");
            }
            case ReminderKind.AutoConfirmDue:
            {
                var at = v.DueAt is null ? "" : $" ({v.DueAt})";
                return new(
                    $"Auto-confirm reached for order {v.OrderId}",
                    $"Order {v.OrderId} reached its auto-confirm deadline{at}.",
                    $"Order {v.OrderId} ({v.Amount}) was not confirmed by the buyer and reached its auto-confirm deadline{at}.",
                    [
                        $"Order {v.OrderId} ({v.Amount}, buyer {v.BuyerLabel}) was delivered but the buyer has not confirmed receipt. The auto-confirm deadline{at} has been reached.",
                        "Please complete the order under your auto-confirm rules.",
                    ],
                    "View order");
            }
            case ReminderKind.RefundStalled:
            {
                var refund = Refund(v.Refund);
                var by = v.DueAt is null ? "within its window" : $"by {v.DueAt}";
                return new(
                    $"Refund not completed for order {v.OrderId}",
                    $"The refund of {v.Amount} for order {v.OrderId} was not completed {by}.",
                    $"Refund stalled: {v.Amount} for order {v.OrderId} was not completed {by}. Please complete it.",
                    [
                        $"The refund of {v.Amount} for order {v.OrderId} (buyer {v.BuyerLabel}) was not completed {by}. Its status: {refund.Short}.",
                        "Please complete it soon to avoid a complaint.",
                    ],
                    "Handle refund");
            }
            default:
                throw new ArgumentException($"{kind.ToWire()} has no merchant alert.", nameof(kind));
        }
    }

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
