using Reminders.Core.Orders;

namespace Reminders.Core.Templates;

/// <summary>Who reads a message. Only refund_stalled has both: the merchant's alert and the buyer's status notice.</summary>
public enum MessageAudience
{
    Buyer,
    Merchant,
}

/// <summary>Where a refund stands, for the buyer's refund status notice and the merchant's alert.</summary>
public enum RefundStatus
{
    Requested,
    Approved,
    Processing,
    Failed,
    Completed,
}

/// <summary>What a message says about its order. Holds no buyer contact: merchant alerts get an already-masked <see cref="BuyerLabel"/>.</summary>
public sealed record TemplateModel
{
    public required string OrderId { get; init; }

    public required string MerchantName { get; init; }

    public required Money Amount { get; init; }

    /// <summary>Absolute http(s) URL of the pay, confirm or order page; anything else is left out.</summary>
    public string? Link { get; init; }

    /// <summary>The deadline the message is about: payment window end, auto-confirm, pay-later due date, settlement or refund window.</summary>
    public DateTimeOffset? DueAt { get; init; }

    /// <summary>IANA zone <see cref="DueAt"/> is shown in: the reader's (the buyer's, or the default zone); null or unknown shows UTC.</summary>
    public string? TimeZoneId { get; init; }

    /// <summary>For payment_failed: insufficient_funds, card_declined, expired_card, authentication_required, processing_error; anything else reads as a generic failure.</summary>
    public string? PaymentFailureCode { get; init; }

    /// <summary>For refund_stalled; null reads as <see cref="Templates.RefundStatus.Requested"/>.</summary>
    public RefundStatus? RefundStatus { get; init; }

    /// <summary>For merchant alerts: how the buyer is named, already masked (ContactMasking). Unmasked phones or emails are masked again.</summary>
    public string? BuyerLabel { get; init; }

    /// <summary>Null means the kind's usual reader: the merchant for merchant alerts, the buyer otherwise (refund_stalled included).</summary>
    public MessageAudience? Audience { get; init; }
}

/// <summary>A rendered message. SMS and push use <see cref="Text"/> (push shows <see cref="Subject"/> as its title); email uses all three.</summary>
public sealed record RenderedMessage(string Subject, string Text, string? Html, string Locale);
