using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Reminders.App.Observability;
using Reminders.App.Orders;

namespace Reminders.App.Outcomes;

/// <summary>A reminder whose row may have become final.</summary>
public sealed record ReminderKey(string OrderId, string ReminderId);

/// <summary>
/// Told by <see cref="OrderStore"/> after each timeline write: the reminders that the write may have finished (a
/// <c>sent</c>, <c>suppressed</c> or <c>failed</c> entry) go on a bounded in-memory queue for
/// <see cref="OutcomePublisher"/>, so the write never waits for Service Bus. When the queue is full the reminder is
/// not published (it is logged); the reminder itself is unaffected.
/// </summary>
public sealed partial class OutcomeQueue(ILogger<OutcomeQueue> logger) : ITimelineObserver
{
    public const int Capacity = 10_000;

    private readonly Channel<ReminderKey> _channel = Channel.CreateBounded<ReminderKey>(Capacity);

    public ChannelReader<ReminderKey> Reader => _channel.Reader;

    public void OnTimelineWritten(string orderId, IReadOnlyList<TimelineEntry> entries)
    {
        var finishing = entries
            .Where(e => e.ReminderId is not null && e.Type is TimelineTypes.Sent or TimelineTypes.Suppressed or TimelineTypes.Failed)
            .Select(e => e.ReminderId!)
            .Distinct(StringComparer.Ordinal);
        foreach (var reminderId in finishing)
        {
            if (!_channel.Writer.TryWrite(new ReminderKey(orderId, reminderId))) LogDropped(logger, orderId, reminderId);
        }
    }

    /// <summary>No more reminders are taken; those queued are still read.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outcome of {OrderId}/{ReminderId} not published: the outcome queue is full or closed")]
    private static partial void LogDropped(ILogger logger, string orderId, string reminderId);
}
