using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Azure.Storage.Queues.Models;
using Reminders.App.Dispatch;
using Reminders.App.Merchants;
using Reminders.App.Observability;
using Reminders.App.Orders;
using Reminders.Channels;
using Reminders.Core;
using Reminders.Core.Orders;
using Reminders.Core.Planning;
using Reminders.Core.Templates;
using Reminders.Core.Webhooks;

namespace Reminders.App.Delivery;

/// <summary>
/// Sends one merchant alert (settlement_missing, payment_window_expired, auto_confirm_due, the merchant side of
/// refund_stalled) from the merchant-alerts queue: by email to the merchant's alert address and/or a Standard
/// Webhooks POST to the merchant's URL, or into the outbox (channel "merchant") when neither is configured.
/// The alert names the buyer only masked. With two destinations, one that succeeded is remembered on the row
/// (ProviderMessageId <c>email=...;webhook=...</c>) and not repeated when the other is retried.
/// </summary>
public sealed partial class MerchantAlertDelivery(
    OrderStore orders,
    MerchantPolicies policies,
    MerchantCatalog merchants,
    ReminderContent content,
    ChannelSenders senders,
    DeliveryRecorder recorder,
    QueueRetry retry,
    TimeProvider time,
    ILogger<MerchantAlertDelivery> logger,
    ReminderMetrics? metrics = null)
{
    public const string Channel = "merchant";
    public const string AlertEventType = "merchant.alert";
    private const int MaxRounds = 10;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<DeliveryOutcome> DeliverAsync(QueueMessage queued, CancellationToken cancellationToken)
    {
        var message = DeliveryRecorder.Parse(queued);
        metrics?.QueueLag(QueueNames.MerchantAlerts, queued.InsertedOn, time.GetUtcNow());
        for (var round = 1; ; round++)
        {
            var attempt = await TryClaimAsync(message, round, cancellationToken);
            if (attempt.Outcome is { } outcome) return outcome;
            if (attempt.Claim is { } claim) return await SendClaimedAsync(message, claim.Order, claim.Row, cancellationToken);
            // The row changed under us: read it again.
        }
    }

    /// <summary>What the row is now and whether the order still calls for the alert, then the claim.</summary>
    private async Task<ClaimAttempt> TryClaimAsync(ReminderMessage message, int round, CancellationToken cancellationToken)
    {
        // One query for the reminder row and the order.
        var (order, orderETag, row) = await orders.ReadForSendAsync(message.OrderId, message.ReminderId, cancellationToken);
        switch (recorder.Check(row, message, time.GetUtcNow()))
        {
            case RowCheck.Skip skip:
                return Skipped(message, skip.Why);
            case RowCheck.Wait wait:
                await retry.LaterAsync(QueueNames.MerchantAlerts, message, wait.Delay, "another copy is sending it", cancellationToken);
                return ClaimAttempt.Done(DeliveryOutcome.RetryLater);
        }
        var reminder = row!;
        if (order is null || reminder.Audience != Audience.Merchant)
        {
            return Skipped(message, "no order, or not a merchant alert");
        }
        if (!ReminderRelevance.IsStillDue(order, reminder.ReminderId, await policies.ForOrderAsync(order, cancellationToken)))
        {
            var suppressed = await recorder.SuppressAsync(reminder, Channel, "order_state", $"the order is {order.State.ToWire()}; the alert no longer applies", cancellationToken);
            return suppressed ? ClaimAttempt.Done(DeliveryOutcome.Suppressed) : ClaimAttempt.Again;
        }

        var claimed = await recorder.ClaimAsync(reminder, message, channel: null, orderETag, cancellationToken);
        if (claimed is not null) return new ClaimAttempt(null, new Claim(order, claimed));
        return round < MaxRounds ? ClaimAttempt.Again : Skipped(message, "the row kept changing");
    }

    private ClaimAttempt Skipped(ReminderMessage message, string why)
    {
        LogSkipped(logger, message.OrderId, message.ReminderId, why);
        return ClaimAttempt.Done(DeliveryOutcome.Skipped);
    }

    private async Task<DeliveryOutcome> SendClaimedAsync(ReminderMessage message, Order order, ReminderRow claimed, CancellationToken cancellationToken)
    {
        List<(string Destination, string Provider, DeliveryResult Result)> results;
        Dictionary<string, string> delivered;
        try
        {
            (results, delivered) = await SendAsync(order, claimed, cancellationToken);
        }
        catch
        {
            await recorder.ReleaseAsync(claimed);
            throw;
        }
        return await RecordAsync(message, claimed, results, delivered, cancellationToken);
    }

    private sealed record Claim(Order Order, ReminderRow Row);

    /// <summary>Either the delivery is over (<see cref="Outcome"/>), or the row is claimed, or neither: read it again.</summary>
    private readonly record struct ClaimAttempt(DeliveryOutcome? Outcome, Claim? Claim)
    {
        public static ClaimAttempt Again => default;
        public static ClaimAttempt Done(DeliveryOutcome outcome) => new(outcome, null);
    }

    private async Task<(List<(string, string, DeliveryResult)> Results, Dictionary<string, string> Delivered)> SendAsync(
        Order order, ReminderRow claimed, CancellationToken cancellationToken)
    {
        var merchant = await merchants.ProfileAsync(order.MerchantId, cancellationToken);
        var rendered = await content.ForMerchantAsync(order, claimed, cancellationToken);
        var label = new OutboxLabel(order.OrderId, claimed.Kind.ToWire(), Channel);
        var delivered = ParseDelivered(claimed.ProviderMessageId);
        var results = new List<(string, string, DeliveryResult)>();

        if (!merchant.HasAlertDestination)
        {
            var id = await senders.Outbox.AddAsync(label, $"merchant {order.MerchantId ?? "-"}", rendered.Subject, rendered.Text, cancellationToken);
            results.Add(("outbox", ProviderNames.Outbox, new DeliveryResult.Sent(id)));
            return (results, delivered);
        }
        if (merchant.AlertEmail is { } address && !delivered.ContainsKey("email"))
        {
            var sender = senders.Email(label);
            var email = new EmailMessage(address, rendered.Subject, rendered.Text, rendered.Html);
            results.Add(("email", sender.Provider, await sender.SendAsync(email, cancellationToken)));
        }
        if (merchant.Webhook is { } webhook && !delivered.ContainsKey("webhook"))
        {
            results.Add(("webhook", "http", await senders.Webhooks.SendAsync(CreateWebhook(order, claimed, rendered, webhook), cancellationToken)));
        }
        return (results, delivered);
    }

    private async Task<DeliveryOutcome> RecordAsync(
        ReminderMessage message, ReminderRow claimed, List<(string Destination, string Provider, DeliveryResult Result)> results,
        Dictionary<string, string> delivered, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var entries = new List<TimelineEntry>();
        var sentNow = new List<string>();
        foreach (var (destination, provider, result) in results)
        {
            metrics?.Delivered(result, provider, Channel);
            switch (result)
            {
                case DeliveryResult.Sent sent:
                    delivered[destination] = sent.ProviderMessageId;
                    sentNow.Add($"{destination} via {provider}: {sent.ProviderMessageId}");
                    break;
                case DeliveryResult.PermanentFailure permanent:
                    entries.Add(TimelineEntry.ForReminder(now, TimelineTypes.Failed, claimed) with
                    {
                        Channel = Channel,
                        Reason = $"permanent: {destination} {provider} {permanent.Reason}",
                    });
                    break;
            }
        }

        var transient = results.Where(r => r.Result is DeliveryResult.TransientFailure).ToList();
        if (transient.Count > 0)
        {
            if (entries.Count > 0) await orders.AddTimelineAsync(claimed.OrderId, entries, cancellationToken);
            var reason = string.Join("; ", transient.Select(t => $"{t.Destination} {t.Provider} {((DeliveryResult.TransientFailure)t.Result).Reason}"));
            var retryAfter = transient.Select(t => ((DeliveryResult.TransientFailure)t.Result).RetryAfter).Max();
            var delay = await recorder.RecordTransientAsync(claimed, Channel, reason, retryAfter, message.Retry + 1, cancellationToken, FormatDelivered(delivered));
            await retry.LaterAsync(QueueNames.MerchantAlerts, message, delay, reason, cancellationToken);
            return DeliveryOutcome.RetryLater;
        }

        if (delivered.Count > 0)
        {
            var sent = claimed with { Status = ReminderStatus.Sent, SentAt = now, ProviderMessageId = FormatDelivered(delivered), ClaimedAt = null, Reason = null };
            entries.Add(TimelineEntry.ForReminder(now, TimelineTypes.Sent, sent) with { Channel = Channel, Detail = string.Join("; ", sentNow) });
            await recorder.WriteAsync(sent, entries, cancellationToken);
            return DeliveryOutcome.Sent;
        }

        var failed = claimed with { Status = ReminderStatus.Failed, Reason = entries.FirstOrDefault()?.Reason ?? "permanent", ClaimedAt = null };
        await recorder.WriteAsync(failed, entries, cancellationToken);
        return DeliveryOutcome.Failed;
    }

    /// <summary>The signed POST: webhook-id is the same for every try of one attempt, so the merchant can drop repeats.</summary>
    private WebhookMessage CreateWebhook(Order order, ReminderRow reminder, RenderedMessage rendered, MerchantWebhook webhook)
    {
        var now = time.GetUtcNow();
        var id = WebhookIdFor(reminder.OrderId, reminder.ReminderId, reminder.Attempt);
        var body = JsonSerializer.Serialize(new
        {
            type = AlertEventType,
            timestamp = now,
            data = new
            {
                kind = reminder.Kind.ToWire(),
                orderId = order.OrderId,
                merchantId = order.MerchantId,
                reminderId = reminder.ReminderId,
                state = order.State.ToWire(),
                amount = order.Amount is { } a ? new { value = a.Value.ToString(CultureInfo.InvariantCulture), currency = a.Currency } : null,
                buyer = ReminderContent.MaskedBuyerLabel(order.Buyer),
                subject = rendered.Subject,
                text = rendered.Text,
            },
        }, Json);
        var timestamp = now.ToUnixTimeSeconds();
        var bytes = Encoding.UTF8.GetBytes(body);
        var signature = string.Join(' ', webhook.Secrets.Select(s => StandardWebhook.Sign(s, id, timestamp, bytes)));
        return new WebhookMessage(webhook.Url, body, new Dictionary<string, string>
        {
            [StandardWebhook.IdHeader] = id,
            [StandardWebhook.TimestampHeader] = timestamp.ToString(CultureInfo.InvariantCulture),
            [StandardWebhook.SignatureHeader] = signature,
        });
    }

    /// <summary><c>alert_</c> and 32 hex digits of SHA-256 over order, reminder and attempt.</summary>
    public static string WebhookIdFor(string orderId, string reminderId, int attempt) =>
        "alert_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{orderId}|{reminderId}|{attempt}")))[..32];

    private static Dictionary<string, string> ParseDelivered(string? ids)
    {
        var delivered = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in (ids ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0) delivered[part[..eq]] = part[(eq + 1)..];
        }
        return delivered;
    }

    private static string? FormatDelivered(Dictionary<string, string> delivered) =>
        delivered.Count == 0 ? null : string.Join(';', delivered.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => $"{d.Key}={d.Value}"));

    [LoggerMessage(Level = LogLevel.Information, Message = "Merchant alert {OrderId}/{ReminderId}: not sent, {Why}")]
    private static partial void LogSkipped(ILogger logger, string orderId, string reminderId, string why);
}
