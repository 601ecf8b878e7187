using Azure.Data.Tables;
using Reminders.App.Orders;
using Reminders.Channels;
using Reminders.Core;

namespace Reminders.App.Delivery;

/// <summary>What an outbox entry is about: the order, the reminder kind (wire name) and the channel it shows under.</summary>
public sealed record OutboxLabel(string OrderId, string Kind, string Channel);

/// <summary>One message that would have been sent, as listed by GET /api/admin/outbox. <see cref="To"/> is masked.</summary>
public sealed record OutboxEntry(string Channel, string OrderId, string Kind, string To, string? Subject, string Text, DateTimeOffset SentAt)
{
    public string Id { get; init; } = "";
}

/// <summary>
/// The local outbox (table Outbox): PartitionKey = order id, RowKey = <c>{ticks}|{random}</c>, so one order's
/// entries read back in the order they were written. Recipients are stored masked only.
/// </summary>
public sealed class OutboxStore(ReminderStorage storage, TimeProvider time)
{
    public async Task<string> AddAsync(OutboxLabel label, string maskedTo, string? subject, string text, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var rowKey = $"{now.UtcTicks:D19}|{Guid.NewGuid():N}"[..32];
        var entity = new TableEntity(label.OrderId, rowKey)
        {
            ["Channel"] = label.Channel,
            ["Kind"] = label.Kind,
            ["To"] = maskedTo,
            ["Subject"] = subject,
            ["Text"] = text,
            ["SentAt"] = now,
        };
        await storage.CreatingMissingAsync(() => storage.Outbox.AddEntityAsync(entity, cancellationToken), cancellationToken);
        return "outbox:" + rowKey;
    }

    public Task<IReadOnlyList<OutboxEntry>> ListAsync(string orderId, CancellationToken cancellationToken) =>
        storage.CreatingMissingAsync(() => ListOnceAsync(orderId, cancellationToken), cancellationToken);

    private async Task<IReadOnlyList<OutboxEntry>> ListOnceAsync(string orderId, CancellationToken cancellationToken)
    {
        var entries = new List<OutboxEntry>();
        await foreach (var e in storage.Outbox.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {orderId}"), cancellationToken: cancellationToken))
        {
            entries.Add(new OutboxEntry(
                e.GetString("Channel") ?? "", e.PartitionKey, e.GetString("Kind") ?? "", e.GetString("To") ?? "",
                e.GetString("Subject"), e.GetString("Text") ?? "", e.GetDateTimeOffset("SentAt") ?? default)
            {
                Id = "outbox:" + e.RowKey,
            });
        }
        return entries;
    }
}

/// <summary>SMS into the local outbox, for one reminder.</summary>
public sealed class OutboxSmsSender(OutboxStore outbox, OutboxLabel label) : ISmsSender
{
    public string Provider => ProviderNames.Outbox;

    public async Task<DeliveryResult> SendAsync(SmsMessage message, CancellationToken cancellationToken) =>
        new DeliveryResult.Sent(await outbox.AddAsync(label, ContactMasking.MaskPhone(message.To), null, message.Text, cancellationToken));
}

/// <summary>Email into the local outbox, for one reminder.</summary>
public sealed class OutboxEmailSender(OutboxStore outbox, OutboxLabel label) : IEmailSender
{
    public string Provider => ProviderNames.Outbox;

    public async Task<DeliveryResult> SendAsync(EmailMessage message, CancellationToken cancellationToken) =>
        new DeliveryResult.Sent(await outbox.AddAsync(label, ContactMasking.MaskEmail(message.To), message.Subject, message.Text, cancellationToken));
}

/// <summary>Push into the local outbox, for one reminder.</summary>
public sealed class OutboxPushSender(OutboxStore outbox, OutboxLabel label) : IPushSender
{
    public string Provider => ProviderNames.Outbox;

    public async Task<DeliveryResult> SendAsync(PushMessage message, CancellationToken cancellationToken) =>
        new DeliveryResult.Sent(await outbox.AddAsync(label, ContactMasking.MaskPushToken(message.Token), message.Title, message.Body, cancellationToken));
}

/// <summary>
/// The sender for each channel: the configured provider, or the local outbox when the channel's provider is
/// <c>outbox</c> (those senders are made per reminder, so the outbox knows which order and kind a message is for).
/// </summary>
public sealed class ChannelSenders(ISmsSender? sms, IEmailSender? email, IPushSender? push, IWebhookSender webhooks, OutboxStore outbox)
{
    public OutboxStore Outbox => outbox;

    public IWebhookSender Webhooks => webhooks;

    public ISmsSender Sms(OutboxLabel label) => sms ?? new OutboxSmsSender(outbox, label);

    public IEmailSender Email(OutboxLabel label) => email ?? new OutboxEmailSender(outbox, label);

    public IPushSender Push(OutboxLabel label) => push ?? new OutboxPushSender(outbox, label);
}
