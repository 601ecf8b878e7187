using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Messaging.ServiceBus;
using Reminders.App.Delivery;
using Reminders.App.Orders;
using Reminders.Core;
using Reminders.Core.Orders;
using Reminders.Core.Planning;

namespace Reminders.App.Outcomes;

/// <summary>
/// How one reminder ended, as published to the topic: <c>sent</c>, <c>suppressed</c> (with its reason),
/// <c>failed</c> (no channel left, or a permanent failure) or <c>poisoned</c> (its queue message went to the poison
/// queue). Built from the reminder row once it is final; a final row never changes again, so every copy of one
/// outcome is the same message with the same <see cref="MessageId"/>.
/// </summary>
public sealed record ReminderOutcome(
    string OrderId,
    string? MerchantId,
    string ReminderId,
    string Kind,
    Audience Audience,
    string Outcome,
    string? Channel,
    int Attempt,
    string? Reason,
    DateTimeOffset? SentAt)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary><c>reminder.{outcome}</c> for buyer reminders, <c>merchant.alert.{outcome}</c> for merchant alerts.</summary>
    public string Subject => (Audience == Audience.Merchant ? "merchant.alert." : "reminder.") + Outcome;

    /// <summary>32 hex digits of SHA-256 over order, reminder, outcome and attempt: the namespace's duplicate detection drops a copy.</summary>
    public string MessageId => MessageIdFor(OrderId, ReminderId, Outcome, Attempt);

    public static string MessageIdFor(string orderId, string reminderId, string outcome, int attempt) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{orderId}|{reminderId}|{outcome}|{attempt}")))[..32];

    /// <summary>The outcome of a final row (null while the reminder may still go out, and for a voided one).</summary>
    /// <param name="order">The order, for its merchant and, so that no provider text leaks one, its buyer's contacts.</param>
    public static ReminderOutcome? From(ReminderRow row, Order? order)
    {
        var outcome = row.Status switch
        {
            ReminderStatus.Sent => "sent",
            ReminderStatus.Suppressed => "suppressed",
            ReminderStatus.Failed when row.Reason == DeliveryPoisonRecorder.Reason => "poisoned",
            ReminderStatus.Failed => "failed",
            _ => null,
        };
        if (outcome is null) return null;
        var channel = row.Audience == Audience.Merchant ? MerchantAlertDelivery.Channel : row.Channel?.ToWire();
        return new ReminderOutcome(
            row.OrderId, order?.MerchantId, row.ReminderId, row.Kind.ToWire(), row.Audience, outcome, channel, row.Attempt,
            MaskContacts(row.Reason, order?.Buyer), row.SentAt);
    }

    public ServiceBusMessage ToMessage()
    {
        var body = new
        {
            type = Subject,
            orderId = OrderId,
            merchantId = MerchantId,
            reminderId = ReminderId,
            kind = Kind,
            audience = Audience.ToWire(),
            outcome = Outcome,
            channel = Channel,
            attempt = Attempt,
            reason = Reason,
            sentAt = SentAt,
        };
        var message = new ServiceBusMessage(BinaryData.FromObjectAsJson(body, Json))
        {
            MessageId = MessageId,
            Subject = Subject,
            ContentType = "application/json",
            CorrelationId = OrderId,
        };
        message.ApplicationProperties["orderId"] = OrderId;
        if (MerchantId is not null) message.ApplicationProperties["merchantId"] = MerchantId;
        message.ApplicationProperties["reminderId"] = ReminderId;
        message.ApplicationProperties["kind"] = Kind;
        message.ApplicationProperties["outcome"] = Outcome;
        return message;
    }

    /// <summary>Provider text is scrubbed where it is recorded; this keeps the buyer's raw contacts off the topic even if one slipped through.</summary>
    private static string? MaskContacts(string? text, BuyerDetails? buyer)
    {
        if (string.IsNullOrEmpty(text) || buyer is null) return text;
        (string? Raw, string Masked)[] contacts =
        [
            (buyer.Phone, ContactMasking.MaskPhone(buyer.Phone)),
            (buyer.Phone?.TrimStart('+'), ContactMasking.MaskPhone(buyer.Phone).TrimStart('+')),
            (buyer.Email, ContactMasking.MaskEmail(buyer.Email)),
            (buyer.PushToken, ContactMasking.MaskPushToken(buyer.PushToken)),
        ];
        foreach (var (raw, masked) in contacts)
        {
            if (!string.IsNullOrEmpty(raw)) text = text.Replace(raw, masked, StringComparison.OrdinalIgnoreCase);
        }
        return text;
    }
}
