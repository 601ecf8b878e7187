using Azure;
using Microsoft.Extensions.Logging;
using Reminders.App.Dispatch;
using Azure.Storage.Queues.Models;
using Reminders.App.Orders;

namespace Reminders.App.Delivery;

/// <summary>What a queue function did with one message.</summary>
public enum DeliveryOutcome
{
    Sent,
    Suppressed,
    /// <summary>The channel failed for good and the reminder went to the next channel's queue.</summary>
    FellBack,
    Failed,
    /// <summary>Nothing to do: a duplicate or stale copy, or the reminder is finished.</summary>
    Skipped,
    /// <summary>A copy of the message went back on the queue to be tried again after a delay.</summary>
    RetryLater,
}

/// <summary>Whether a queue message may be acted on, judged by its reminder row.</summary>
public abstract record RowCheck
{
    private RowCheck() { }

    public sealed record Proceed(ReminderRow Row) : RowCheck;

    public sealed record Skip(string Why) : RowCheck;

    /// <summary>Another copy holds a fresh claim: try again once the claim would have run out.</summary>
    public sealed record Wait(TimeSpan Delay) : RowCheck;
}

/// <summary>
/// The reminder-row steps every sender shares: judging a message against the row, claiming the row (status
/// <c>sending</c> with If-Match, so two copies cannot both send), and recording what happened on the row and the
/// order's timeline. A claim is held for <see cref="ClaimTimeouts.Sending"/> (Delivery__ClaimTimeout), the time a
/// running message stays hidden on its queue; a crash after the provider call leaves a claim that is taken over
/// after it, which can send the message once more, never lose it.
/// </summary>
public sealed partial class DeliveryRecorder(OrderStore orders, ClaimTimeouts claims, TimeProvider time, ILogger<DeliveryRecorder> logger)
{
    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan LongestRetryDelay = TimeSpan.FromMinutes(10);

    /// <summary>The queue message as a ReminderMessage; a message that is not one fails (and ends in the poison queue, kept).</summary>
    public static ReminderMessage Parse(QueueMessage queued) =>
        ReminderMessage.TryParse(queued.Body.ToString())
        ?? throw new InvalidDataException($"Queue message {queued.MessageId} is not a reminder message ({{orderId, reminderId, attempt}}).");

    /// <summary>Exponential back-off by try: 10 s, 20 s, 40 s ... at most 10 minutes.</summary>
    public static TimeSpan Backoff(long dequeueCount)
    {
        var exponent = Math.Clamp(dequeueCount - 1, 0, 16);
        var delay = FirstRetryDelay * Math.Pow(2, exponent);
        return delay < LongestRetryDelay ? delay : LongestRetryDelay;
    }

    public RowCheck Check(ReminderRow? row, ReminderMessage message, DateTimeOffset now)
    {
        if (row is null) return new RowCheck.Skip("the reminder row does not exist");
        if (message.Attempt < row.Attempt) return new RowCheck.Skip($"stale copy (attempt {message.Attempt}, the reminder is at {row.Attempt})");
        if (row.Status.IsFinal()) return new RowCheck.Skip($"the reminder is {row.Status.ToWire()} already");
        // A fallback enqueues the next attempt before it records it; its message may arrive first.
        if (message.Attempt > row.Attempt) return new RowCheck.Proceed(row);
        return row.Status switch
        {
            ReminderStatus.Enqueuing or ReminderStatus.Enqueued => new RowCheck.Proceed(row),
            ReminderStatus.Sending when row.ClaimedAt is { } claimed && now - claimed < claims.Sending =>
                new RowCheck.Wait(claimed + claims.Sending - now + TimeSpan.FromSeconds(1)),
            ReminderStatus.Sending => new RowCheck.Proceed(row),
            _ => new RowCheck.Skip($"the reminder is {row.Status.ToWire()}, not on a queue"),
        };
    }

    /// <summary>Claims the row for this message's attempt; null when someone else changed the row first.</summary>
    /// <param name="orderAsRead">The ETag of the order row the caller checked: the claim fails if the order changed since.</param>
    public async Task<ReminderRow?> ClaimAsync(
        ReminderRow row, ReminderMessage message, Core.Notifications.Channel? channel, ETag orderAsRead, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var claim = row with
        {
            Status = ReminderStatus.Sending,
            ClaimedAt = now,
            // Set here too when the dispatcher has not recorded its enqueue yet: the throttle's interval counts from it.
            EnqueuedAt = row.EnqueuedAt ?? now,
            Attempt = message.Attempt,
            Channel = channel ?? row.Channel,
        };
        var etag = await orders.UpdateReminderAsync(claim, [], cancellationToken, orderAsRead);
        return etag is null ? null : claim with { ETag = etag.Value };
    }

    /// <summary>Gives a claim back after a failure before the provider answered, so the message's next try can send.</summary>
    public async Task ReleaseAsync(ReminderRow claimed)
    {
        try
        {
            await orders.UpdateReminderAsync(claimed with { Status = ReminderStatus.Enqueued, ClaimedAt = null }, [], CancellationToken.None);
        }
        catch (Exception e)
        {
            // The claim then runs out by itself after Delivery__ClaimTimeout.
            LogReleaseFailed(logger, e, claimed.OrderId, claimed.ReminderId);
        }
    }

    /// <summary>Marks an unclaimed row suppressed; false when the row changed meanwhile (read it again).</summary>
    public async Task<bool> SuppressAsync(ReminderRow row, string channel, string reason, string detail, CancellationToken cancellationToken)
    {
        var suppressed = row with { Status = ReminderStatus.Suppressed, Reason = reason, ClaimedAt = null };
        var entry = TimelineEntry.ForReminder(time.GetUtcNow(), TimelineTypes.Suppressed, suppressed) with { Channel = channel, Reason = reason, Detail = detail };
        return await orders.UpdateReminderAsync(suppressed, [entry], cancellationToken) is not null;
    }

    public Task RecordSentAsync(ReminderRow claimed, string channel, string provider, string providerMessageId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var sent = claimed with { Status = ReminderStatus.Sent, SentAt = now, ProviderMessageId = providerMessageId, ClaimedAt = null, Reason = null };
        var entry = TimelineEntry.ForReminder(now, TimelineTypes.Sent, sent) with { Channel = channel, Detail = $"{provider}: {providerMessageId}" };
        return WriteAsync(sent, [entry], cancellationToken);
    }

    /// <summary>Puts the row back to <c>enqueued</c> and records the failure; returns how long to wait before the next try.</summary>
    public async Task<TimeSpan> RecordTransientAsync(
        ReminderRow claimed, string channel, string reason, TimeSpan? retryAfter, long tries, CancellationToken cancellationToken,
        string? partialProviderIds = null)
    {
        var delay = retryAfter ?? Backoff(tries);
        if (delay > LongestRetryDelay) delay = LongestRetryDelay;
        var back = claimed with { Status = ReminderStatus.Enqueued, ClaimedAt = null, Reason = "transient", ProviderMessageId = partialProviderIds ?? claimed.ProviderMessageId };
        var entry = TimelineEntry.ForReminder(time.GetUtcNow(), TimelineTypes.Failed, back) with
        {
            Channel = channel,
            Reason = $"transient: {reason}; will retry",
            Detail = $"try {tries}; next try in {delay}",
        };
        await WriteAsync(back, [entry], cancellationToken);
        return delay;
    }

    /// <summary>Writes a claimed row's new state with its timeline entries; if the claim was taken over meanwhile, the entries still go on the timeline.</summary>
    public async Task WriteAsync(ReminderRow row, IReadOnlyList<TimelineEntry> timeline, CancellationToken cancellationToken)
    {
        if (await orders.UpdateReminderAsync(row, timeline, cancellationToken) is not null) return;
        LogClaimLost(logger, row.OrderId, row.ReminderId, row.Status.ToWire());
        if (timeline.Count > 0) await orders.AddTimelineAsync(row.OrderId, timeline, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reminder {OrderId}/{ReminderId}: releasing the sending claim failed; it runs out by itself")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, string orderId, string reminderId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reminder {OrderId}/{ReminderId}: the row changed under the claim; recorded {Status} on the timeline only")]
    private static partial void LogClaimLost(ILogger logger, string orderId, string reminderId, string status);
}
