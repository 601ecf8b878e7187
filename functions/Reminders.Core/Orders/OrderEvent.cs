namespace Reminders.Core.Orders;

/// <summary>
/// A validated webhook event. <see cref="EventId"/> is the <c>webhook-id</c> header, the idempotency key.
/// Optional parts are null when the body did not carry them.
/// </summary>
public sealed record OrderEvent(string EventId, OrderEventType Type, DateTimeOffset OccurredAt, string OrderId)
{
    public string? MerchantId { get; init; }

    /// <summary>A full snapshot of the buyer's details (required on <c>order.created</c>).</summary>
    public BuyerDetails? Buyer { get; init; }

    /// <summary>On order events the order's amount; on payment and refund events the amount paid or refunded.</summary>
    public Money? Amount { get; init; }

    /// <summary><c>payLater.dueAt</c>: present on pay-later (先用后付) orders.</summary>
    public DateTimeOffset? PayLaterDueAt { get; init; }

    public string? PaymentId { get; init; }

    /// <summary><c>refund.*</c> only.</summary>
    public string? RefundId { get; init; }

    /// <summary><c>payment.failed</c> only: a code from <see cref="PaymentFailureReasons"/> or free text.</summary>
    public string? FailureReason { get; init; }

    /// <summary><c>payment.failed</c> only: an absolute https URL where the buyer can retry.</summary>
    public string? RetryUrl { get; init; }
}

/// <summary>
/// The buyer as the order system knows them. Contact details are personal data: show them only through
/// <see cref="ContactMasking"/>; <see cref="ToString"/> masks them.
/// </summary>
public sealed record BuyerDetails(string Id)
{
    public string? Phone { get; init; }
    public string? Email { get; init; }
    public string? PushToken { get; init; }

    /// <summary>BCP 47 tag such as <c>zh-CN</c> or <c>en</c>.</summary>
    public string? Locale { get; init; }

    /// <summary>IANA time zone name such as <c>Asia/Shanghai</c>.</summary>
    public string? TimeZone { get; init; }

    public override string ToString() =>
        $"BuyerDetails {{ Id = {Id}, Phone = {ContactMasking.MaskPhone(Phone)}, Email = {ContactMasking.MaskEmail(Email)}, " +
        $"PushToken = {ContactMasking.MaskPushToken(PushToken)}, Locale = {Locale}, TimeZone = {TimeZone} }}";
}

/// <summary>An amount of money: a non-negative decimal and an ISO 4217 code.</summary>
public sealed record Money(decimal Value, string Currency)
{
    public override string ToString() => $"{Value.ToString(System.Globalization.CultureInfo.InvariantCulture)} {Currency}";
}

/// <summary>Codes a gateway may put in <c>payment.failed</c>'s <c>reason</c>; anything else is free text.</summary>
public static class PaymentFailureReasons
{
    public const string InsufficientFunds = "insufficient_funds";
    public const string CardDeclined = "card_declined";
    public const string ExpiredCard = "expired_card";
    public const string AuthenticationRequired = "authentication_required";
    public const string ProcessingError = "processing_error";

    public static IReadOnlyList<string> Codes { get; } =
        [InsufficientFunds, CardDeclined, ExpiredCard, AuthenticationRequired, ProcessingError];

    public static bool IsKnownCode(string? reason) => reason is not null && Codes.Contains(reason, StringComparer.Ordinal);
}
