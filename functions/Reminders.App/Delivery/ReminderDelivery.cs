using System.Net;
using Microsoft.Extensions.Logging;
using Reminders.App.Buyers;
using Reminders.App.Dispatch;
using Reminders.App.Merchants;
using Azure.Storage.Queues.Models;
using Reminders.App.Observability;
using Reminders.App.Orders;
using Reminders.App.Reports;
using Reminders.Channels;
using Reminders.Core;
using Reminders.Core.Notifications;
using Reminders.Core.Orders;
using Reminders.Core.Planning;
using Reminders.Core.Settings;
using Reminders.Core.Templates;
using Reminders.Core.Throttling;

namespace Reminders.App.Delivery;

/// <summary>
/// Sends one buyer reminder from a channel queue. Right before sending it reads the reminder row and the order
/// again: a finished row or a stale copy is not sent; a reminder the order no longer calls for is suppressed
/// (order_state); an opted-out buyer or contact is suppressed (opted_out). It then claims the row, renders the
/// message in the buyer's locale, calls the provider and records the outcome. A transient failure puts the row
/// back and asks the host to retry; a permanent one falls back to the next channel, or fails the reminder.
/// </summary>
public sealed partial class ReminderDelivery(
    OrderStore orders,
    BuyerStore buyers,
    ReminderStorage storage,
    MerchantPolicies policies,
    ReminderContent content,
    ChannelSenders senders,
    UnsubscribeLinks unsubscribe,
    BadContactNotes badContacts,
    DeliveryRecorder recorder,
    QueueRetry retry,
    TimeProvider time,
    ILogger<ReminderDelivery> logger,
    RecoveryRecorder recovery,
    ReminderMetrics? metrics = null)
{
    private const int MaxRounds = 10;

    public async Task<DeliveryOutcome> DeliverAsync(Channel channel, QueueMessage queued, CancellationToken cancellationToken)
    {
        var message = DeliveryRecorder.Parse(queued);
        metrics?.QueueLag(ReminderDispatcher.QueueFor(channel), queued.InsertedOn, time.GetUtcNow());
        for (var round = 1; ; round++)
        {
            var attempt = await TryClaimAsync(channel, message, round, cancellationToken);
            if (attempt.Outcome is { } outcome) return outcome;
            if (attempt.Claim is { } claim) return await SendClaimedAsync(claim, channel, message, cancellationToken);
            // The row changed under us: read it again.
        }
    }

    /// <summary>What the row is now, whether the reminder still applies and the buyer still wants it, then the claim.</summary>
    private async Task<ClaimAttempt> TryClaimAsync(Channel channel, ReminderMessage message, int round, CancellationToken cancellationToken)
    {
        var wire = channel.ToWire();
        // One query for the reminder row and the order.
        var (order, orderETag, row) = await orders.ReadForSendAsync(message.OrderId, message.ReminderId, cancellationToken);
        switch (recorder.Check(row, message, time.GetUtcNow()))
        {
            case RowCheck.Skip skip:
                return Skipped(message, wire, skip.Why);
            case RowCheck.Wait wait:
                await retry.LaterAsync(ReminderDispatcher.QueueFor(channel), message, wait.Delay, "another copy is sending it", cancellationToken);
                return ClaimAttempt.Done(DeliveryOutcome.RetryLater);
        }
        var reminder = row!;
        if (order is null || reminder.Audience != Audience.Buyer)
        {
            return Skipped(message, wire, "no order, or not a buyer reminder");
        }

        if (!ReminderRelevance.IsStillDue(order, reminder.ReminderId, await policies.ForOrderAsync(order, cancellationToken)))
        {
            var suppressed = await recorder.SuppressAsync(reminder, wire, "order_state", $"the order is {order.State.ToWire()}; the reminder no longer applies", cancellationToken);
            if (suppressed) await recovery.RecordHeldAsync(order, reminder, "order_state");
            return suppressed ? ClaimAttempt.Done(DeliveryOutcome.Suppressed) : ClaimAttempt.Again;
        }

        var contact = order.Buyer is { } buyer ? BuyerContacts.For(buyer, channel) : null;
        // The buyer's profile and the contact's own opt-out are read side by side.
        var profileRead = order.Buyer is null ? Task.FromResult<BuyerProfile?>(null) : ReadProfileAsync(buyers.KeyOf(order.MerchantId, order.Buyer.Id), cancellationToken);
        var contactOptedOut = order.Buyer is null || contact is null ? Task.FromResult(false) : buyers.IsContactOptedOutAsync(channel, contact, cancellationToken);
        await Task.WhenAll(profileRead, contactOptedOut);
        var profile = await profileRead;
        if (profile is not null && (profile.OptedOut.Contains(channel) || await contactOptedOut))
        {
            var suppressed = await recorder.SuppressAsync(reminder, wire, ThrottleReasons.OptedOut, $"the buyer opted out of {wire}", cancellationToken);
            if (suppressed) await recovery.RecordHeldAsync(order, reminder, ThrottleReasons.OptedOut);
            return suppressed ? ClaimAttempt.Done(DeliveryOutcome.Suppressed) : ClaimAttempt.Again;
        }

        var claimed = await recorder.ClaimAsync(reminder, message, channel, orderETag, cancellationToken);
        if (claimed is not null) return new ClaimAttempt(null, new Claim(order, claimed, profile, contact));
        return round < MaxRounds ? ClaimAttempt.Again : Skipped(message, wire, "the row kept changing");
    }

    private ClaimAttempt Skipped(ReminderMessage message, string wire, string why)
    {
        LogSkipped(logger, message.OrderId, message.ReminderId, wire, why);
        return ClaimAttempt.Done(DeliveryOutcome.Skipped);
    }

    /// <summary>Sends on the claimed row's channel, or falls back when there is no usable contact on it.</summary>
    private async Task<DeliveryOutcome> SendClaimedAsync(Claim claim, Channel channel, ReminderMessage message, CancellationToken cancellationToken)
    {
        var (order, claimed, profile, contact) = claim;
        var wire = channel.ToWire();
        if (order.Buyer is not { } buyer || contact is null)
        {
            return await FallBackAsync(order, claimed, channel, $"no {wire} contact", cancellationToken);
        }
        if (profile!.IsBad(channel, contact))
        {
            return await FallBackAsync(order, claimed, channel, $"the {wire} contact was marked bad", cancellationToken);
        }

        DeliveryResult result;
        string provider;
        try
        {
            (result, provider) = await SendAsync(order, claimed, channel, buyer, contact, cancellationToken);
        }
        catch
        {
            await recorder.ReleaseAsync(claimed);
            throw;
        }
        metrics?.Delivered(result, provider, wire);
        return await RecordAsync(result, provider, claim, channel, message, cancellationToken);
    }

    /// <summary>Sent is recorded; a transient failure goes back on the queue; a permanent one falls back.</summary>
    private async Task<DeliveryOutcome> RecordAsync(
        DeliveryResult result, string provider, Claim claim, Channel channel, ReminderMessage message, CancellationToken cancellationToken)
    {
        var (order, claimed, _, contact) = claim;
        var wire = channel.ToWire();
        switch (result)
        {
            case DeliveryResult.Sent sent:
                await recorder.RecordSentAsync(claimed, wire, provider, sent.ProviderMessageId, cancellationToken);
                await recovery.RecordSentAsync(order, claimed, wire);
                return DeliveryOutcome.Sent;
            case DeliveryResult.TransientFailure transient:
                var delay = await recorder.RecordTransientAsync(claimed, wire, $"{provider} {transient.Reason}", transient.RetryAfter, message.Retry + 1, cancellationToken);
                await retry.LaterAsync(ReminderDispatcher.QueueFor(channel), message, delay, $"{provider} {transient.Reason}", cancellationToken);
                return DeliveryOutcome.RetryLater;
            case DeliveryResult.PermanentFailure permanent:
                if (permanent.ContactInvalid)
                {
                    var buyerKey = buyers.KeyOf(order.MerchantId, order.Buyer!.Id);
                    await buyers.MarkContactBadAsync(buyerKey, channel, contact!, cancellationToken);
                    await badContacts.NoteAsync(buyerKey, channel, contact!, $"{provider}: {permanent.Reason}", cancellationToken);
                }
                return await FallBackAsync(order, claimed, channel,
                    $"{provider} {permanent.Reason}" + (permanent.ContactInvalid ? " (contact marked bad)" : ""), cancellationToken);
            default:
                throw new InvalidOperationException("Unknown delivery result.");
        }
    }

    /// <summary>A claimed row with what sending it needs: the order, the buyer's profile and their contact on the channel.</summary>
    private sealed record Claim(Order Order, ReminderRow Row, BuyerProfile? Profile, string? Contact);

    /// <summary>Either the delivery is over (<see cref="Outcome"/>), or the row is claimed, or neither: read it again.</summary>
    private readonly record struct ClaimAttempt(DeliveryOutcome? Outcome, Claim? Claim)
    {
        public static ClaimAttempt Again => default;
        public static ClaimAttempt Done(DeliveryOutcome outcome) => new(outcome, null);
    }

    private async Task<BuyerProfile?> ReadProfileAsync(string buyerKey, CancellationToken cancellationToken) =>
        await buyers.GetAsync(buyerKey, cancellationToken);

    private async Task<(DeliveryResult Result, string Provider)> SendAsync(
        Order order, ReminderRow reminder, Channel channel, BuyerDetails buyer, string contact, CancellationToken cancellationToken)
    {
        var label = new OutboxLabel(order.OrderId, reminder.Kind.ToWire(), channel.ToWire());
        var rendered = await content.ForBuyerAsync(order, reminder, channel, cancellationToken);
        switch (channel)
        {
            case Channel.Sms:
            {
                var sender = senders.Sms(label);
                return (await sender.SendAsync(new SmsMessage(contact, rendered.Text), cancellationToken), sender.Provider);
            }
            case Channel.Email:
            {
                var sender = senders.Email(label);
                return (await sender.SendAsync(WithUnsubscribe(rendered, contact, buyers.KeyOf(order.MerchantId, buyer.Id)), cancellationToken), sender.Provider);
            }
            case Channel.Push:
            {
                var sender = senders.Push(label);
                var data = new Dictionary<string, string> { ["orderId"] = order.OrderId, ["kind"] = reminder.Kind.ToWire(), ["reminderId"] = reminder.ReminderId };
                return (await sender.SendAsync(new PushMessage(contact, rendered.Subject, rendered.Text, data), cancellationToken), sender.Provider);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(channel), channel, null);
        }
    }

    /// <summary>The email with its signed unsubscribe link in the text, the HTML and the RFC 8058 headers.</summary>
    private EmailMessage WithUnsubscribe(RenderedMessage rendered, string to, string buyerKey)
    {
        var link = unsubscribe.LinkFor(buyerKey).AbsoluteUri;
        var words = rendered.Locale == TemplateLocales.ChineseSimplified ? "退订邮件提醒" : "Unsubscribe from these emails";
        var text = rendered.Text.TrimEnd('\n') + $"\n\n{words}: {link}\n";
        var html = rendered.Html;
        if (html is not null)
        {
            var footer = $"<p style=\"color:#888;font-size:12px\"><a href=\"{WebUtility.HtmlEncode(link)}\">{WebUtility.HtmlEncode(words)}</a></p>\n";
            var end = html.LastIndexOf("</body>", StringComparison.OrdinalIgnoreCase);
            html = end >= 0 ? html.Insert(end, footer) : html + footer;
        }
        return new EmailMessage(to, rendered.Subject, text, html, unsubscribe.HeadersFor(buyerKey));
    }

    /// <summary>
    /// After a permanent failure on <paramref name="failedChannel"/>: the next usable channel gets a new message
    /// (attempt + 1), enqueued before the row records it; with none left the reminder fails.
    /// </summary>
    private async Task<DeliveryOutcome> FallBackAsync(Order order, ReminderRow claimed, Channel failedChannel, string reason, CancellationToken cancellationToken)
    {
        var failedBefore = WireNames.ParseChannelList(claimed.FailedChannels);
        var failedNow = new HashSet<Channel>(failedBefore) { failedChannel };
        var channelOrder = (await policies.CurrentAsync(order.MerchantId, cancellationToken)).Settings.Channels;
        var failedChannels = string.Join(',', channelOrder.Where(failedNow.Contains).Select(c => c.ToWire()));
        var now = time.GetUtcNow();
        var failedEntry = TimelineEntry.ForReminder(now, TimelineTypes.Failed, claimed) with { Channel = failedChannel.ToWire(), Reason = $"permanent: {reason}" };

        var choice = order.Buyer is { } buyer
            ? await ChooseNextAsync(buyers.KeyOf(order.MerchantId, buyer.Id), buyer, channelOrder, failedChannel, failedBefore, cancellationToken)
            : new ChannelChoice(null, []);
        if (choice.Channel is not { } next)
        {
            var failed = claimed with { Status = ReminderStatus.Failed, FailedChannels = failedChannels, Reason = reason, ClaimedAt = null };
            await recorder.WriteAsync(failed, [failedEntry with { Detail = $"no channel left ({choice.SuppressReason})" }], cancellationToken);
            return DeliveryOutcome.Failed;
        }

        var queue = ReminderDispatcher.QueueFor(next);
        var nextMessage = new ReminderMessage(claimed.OrderId, claimed.ReminderId, claimed.Attempt + 1);
        await storage.SendMessageAsync(queue, nextMessage.ToJson(), cancellationToken);
        var moved = claimed with
        {
            Status = ReminderStatus.Enqueued,
            Channel = next,
            Attempt = nextMessage.Attempt,
            FailedChannels = failedChannels,
            ClaimedAt = null,
            EnqueuedAt = now,
            Reason = "fallback",
        };
        var enqueuedEntry = TimelineEntry.ForReminder(now, TimelineTypes.Enqueued, moved) with
        {
            Channel = next.ToWire(),
            Reason = "fallback",
            Detail = $"{queue} after {failedChannel.ToWire()} failed",
        };
        await recorder.WriteAsync(moved, [failedEntry with { Detail = $"falling back to {next.ToWire()}" }, enqueuedEntry], cancellationToken);
        return DeliveryOutcome.FellBack;
    }

    private async Task<ChannelChoice> ChooseNextAsync(string buyerKey, BuyerDetails buyer, IReadOnlyList<Channel> channelOrder, Channel failedChannel, IReadOnlySet<Channel> failedBefore, CancellationToken cancellationToken)
    {
        var profile = await buyers.GetAsync(buyerKey, cancellationToken);
        var (contacts, optedOut) = await buyers.ReachabilityAsync(buyer, profile, cancellationToken);
        return ChannelChooser.ChooseAfterPermanentFailure(channelOrder, contacts, optedOut, failedChannel, failedBefore);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reminder {OrderId}/{ReminderId} on {Channel}: not sent, {Why}")]
    private static partial void LogSkipped(ILogger logger, string orderId, string reminderId, string channel, string why);
}
