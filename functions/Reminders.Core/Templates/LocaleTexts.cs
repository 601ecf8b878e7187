using Reminders.Core.Notifications;

namespace Reminders.Core.Templates;

/// <summary>A failed payment's reason in plain words, and what the buyer can do next.</summary>
public sealed record PaymentFailureWords(string Reason, string NextStep);

/// <summary>The values of one message, already formatted for its locale (not yet HTML-encoded).</summary>
internal sealed record TemplateValues(
    string OrderId,
    string OrderTail,
    string Merchant,
    string Amount,
    string? DueAt,
    string? DueDate,
    string? Link,
    string BuyerLabel,
    RefundStatus Refund,
    string? FailureCode);

/// <summary>The pieces every channel's message is built from.</summary>
/// <param name="Subject">Email subject and push title.</param>
/// <param name="SmsBody">SMS text before the link and the opt-out wording.</param>
/// <param name="Paragraphs">Email body, one plain-text paragraph each.</param>
/// <param name="ActionLabel">Email button label for the link.</param>
internal sealed record MessageParts(string Subject, string PushBody, string SmsBody, IReadOnlyList<string> Paragraphs, string ActionLabel);

/// <summary>All texts of one locale.</summary>
internal interface ILocaleTexts
{
    string Locale { get; }

    /// <summary>Ends every buyer SMS.</summary>
    string SmsOptOut { get; }

    string BuyerEmailFooter(string merchant);

    PaymentFailureWords Failure(string? code);

    /// <summary>Short enough for SMS and push.</summary>
    PaymentFailureWords ShortFailure(string? code);

    MessageParts Buyer(ReminderKind kind, TemplateValues v);

    MessageParts Merchant(ReminderKind kind, TemplateValues v);
}

/// <summary>The gateway's payment failure codes (<see cref="Orders.PaymentFailureReasons"/>) in plain words.</summary>
public static class PaymentFailureWording
{
    /// <summary>The reason and next step in the locale (resolved as templates are); unknown codes get generic words.</summary>
    public static PaymentFailureWords Describe(string? code, string? locale) =>
        ReminderTemplates.TextsFor(TemplateLocales.Resolve(locale, null)).Failure(code);
}
