using Microsoft.Extensions.Logging;
using Reminders.App.Dispatch;
using Azure.Storage.Queues.Models;
using Reminders.App.Orders;

namespace Reminders.App.Delivery;

/// <summary>
/// When the host moves a reminder message to its poison queue, the reminder fails with reason
/// <c>moved_to_poison</c> on its row and the order's timeline, so an operator sees it. A poisoned copy of a
/// reminder that was sent, suppressed or superseded by a later attempt changes nothing (it is only logged).
/// </summary>
public sealed partial class DeliveryPoisonRecorder(OrderStore orders, TimeProvider time, ILogger<DeliveryPoisonRecorder> logger)
{
    public const string Reason = "moved_to_poison";
    private const int MaxAttempts = 10;

    /// <summary>Records the poisoned <paramref name="message"/> that came from <paramref name="queue"/>.</summary>
    public async Task RecordAsync(string queue, QueueMessage message, CancellationToken cancellationToken)
    {
        var channel = ChannelOf(queue) ?? throw new ArgumentException($"{queue} is not a reminder queue.", nameof(queue));
        var poisonQueue = queue + QueueNames.PoisonSuffix;
        if (ReminderMessage.TryParse(message.Body.ToString()) is not { } reminderMessage)
        {
            LogUnreadable(logger, poisonQueue, message.MessageId);
            return;
        }

        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var row = await orders.GetReminderAsync(reminderMessage.OrderId, reminderMessage.ReminderId, cancellationToken);
            if (row is null || reminderMessage.Attempt < row.Attempt || row.Status.IsFinal())
            {
                LogIgnored(logger, reminderMessage.OrderId, reminderMessage.ReminderId, poisonQueue, row?.Status.ToWire() ?? "missing");
                return;
            }
            var now = time.GetUtcNow();
            var failed = row with { Status = ReminderStatus.Failed, Reason = Reason, ClaimedAt = null };
            var entry = TimelineEntry.ForReminder(now, TimelineTypes.Failed, failed) with
            {
                Channel = channel,
                Reason = Reason,
                Detail = $"{queue} -> {poisonQueue}: the host gave up on the message",
            };
            if (await orders.UpdateReminderAsync(failed, [entry], cancellationToken) is not null) return;
        }
        throw new InvalidOperationException($"Reminder {reminderMessage.OrderId}/{reminderMessage.ReminderId} kept changing; the poison move was not recorded.");
    }

    private static string? ChannelOf(string queue) => queue switch
    {
        QueueNames.Sms => "sms",
        QueueNames.Email => "email",
        QueueNames.Push => "push",
        QueueNames.MerchantAlerts => MerchantAlertDelivery.Channel,
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Poisoned message {MessageId} in {PoisonQueue} is not a reminder message; nothing to record")]
    private static partial void LogUnreadable(ILogger logger, string poisonQueue, string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Poisoned copy of {OrderId}/{ReminderId} in {PoisonQueue} changes nothing: the reminder is {Status}")]
    private static partial void LogIgnored(ILogger logger, string orderId, string reminderId, string poisonQueue, string status);
}
