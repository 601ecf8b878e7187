using Microsoft.Extensions.Logging;
using Reminders.App.Buyers;
using Reminders.App.Observability;
using Reminders.App.Orders;
using Reminders.App.Reports;
using Reminders.Core;
using Reminders.Core.Notifications;
using Reminders.Core.Orders;
using Reminders.Core.Planning;
using Reminders.Core.Settings;
using Reminders.Core.Throttling;

namespace Reminders.App.Dispatch;

/// <summary>What a dispatch did with one due index entry.</summary>
public enum DispatchOutcome
{
    Enqueued,
    Deferred,
    Suppressed,
    /// <summary>Nothing to do: already handled, not due yet, voided, or another instance is on it.</summary>
    Skipped,
}

/// <summary>
/// Takes a due reminder from the index to a queue: re-reads the order, asks the throttle, and enqueues, defers
/// or suppresses, writing the decision to the order's timeline. Safe to run twice and side by side: the reminder
/// row is claimed with If-Match before anything is enqueued, and a claim left by a crashed instance is taken
/// over only after <see cref="ClaimTimeouts.Enqueuing"/> (Sweeps__ClaimTimeout).
/// </summary>
public sealed partial class ReminderDispatcher(
    OrderStore orders,
    BuyerStore buyers,
    ReminderIndex index,
    ReminderStorage storage,
    ReminderSettings settings,
    ThrottleSettings throttle,
    ClaimTimeouts claims,
    TimeProvider time,
    ILogger<ReminderDispatcher> logger,
    RecoveryRecorder recovery,
    ReminderMetrics? metrics = null)
{
    /// <summary>An index entry whose reminder row never appeared (the order's transaction failed) is removed after this.</summary>
    public static readonly TimeSpan StrayEntryAge = TimeSpan.FromMinutes(5);

    public static string QueueFor(Channel channel) => channel switch
    {
        Channel.Sms => QueueNames.Sms,
        Channel.Email => QueueNames.Email,
        Channel.Push => QueueNames.Push,
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, null),
    };

    /// <summary>Runs one sweep: every due entry of its kinds. Returns how many entries led to each outcome.</summary>
    public Task<IReadOnlyDictionary<DispatchOutcome, int>> SweepAsync(Sweep sweep, CancellationToken cancellationToken) =>
        storage.CreatingMissingAsync(() => SweepOnceAsync(sweep, cancellationToken), cancellationToken);

    private async Task<IReadOnlyDictionary<DispatchOutcome, int>> SweepOnceAsync(Sweep sweep, CancellationToken cancellationToken)
    {
        using var activity = metrics?.StartActivity($"sweep {sweep}");
        var counts = Enum.GetValues<DispatchOutcome>().ToDictionary(o => o, _ => 0);
        await foreach (var entry in index.DueAsync(sweep, time.GetUtcNow(), cancellationToken))
        {
            counts[await DispatchAsync(entry, cancellationToken)]++;
        }
        LogSwept(logger, sweep, counts[DispatchOutcome.Enqueued], counts[DispatchOutcome.Deferred], counts[DispatchOutcome.Suppressed], counts[DispatchOutcome.Skipped]);
        return counts;
    }

    /// <summary>
    /// Dispatches at once the reminders an event made due now (a payment failure notice). A failure here is only
    /// logged: the index entry stays, and the next sweep sends it.
    /// </summary>
    public async Task DispatchDueNowAsync(IReadOnlyList<ReminderRow> planned, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var row in planned.Where(r => r.DueAt <= now))
        {
            try
            {
                await DispatchAsync(new IndexEntry(ReminderIndex.SweepOf(row.Kind), row.OrderId, row.ReminderId, row.DueAt), cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogImmediateDispatchFailed(logger, e, row.OrderId, row.ReminderId);
            }
        }
    }

    public async Task<DispatchOutcome> DispatchAsync(IndexEntry entry, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var reminder = await orders.GetReminderAsync(entry.OrderId, entry.ReminderId, cancellationToken);
        if (reminder is null)
        {
            if (now - entry.DueAt > StrayEntryAge && entry.WrittenAt is { } written && now - written > StrayEntryAge)
            {
                await index.RemoveAsync(entry, cancellationToken);
            }
            return DispatchOutcome.Skipped;
        }
        if (!await IsDueNowAsync(entry, reminder, now, cancellationToken)) return DispatchOutcome.Skipped;

        var found = await orders.GetOrderAsync(entry.OrderId, cancellationToken);
        if (found is not { } current) return DispatchOutcome.Skipped;
        var order = current.Order;

        if (!ReminderRelevance.IsStillDue(order, reminder.ReminderId, settings))
        {
            var outcome = await SuppressAsync(entry, reminder, "order_state", $"the order is {order.State.ToWire()}; the reminder no longer applies", now, cancellationToken);
            if (outcome == DispatchOutcome.Suppressed) await recovery.RecordHeldAsync(order, reminder, "order_state");
            return outcome;
        }

        if (reminder.Audience == Audience.Merchant)
        {
            return await EnqueueAsync(entry, reminder, QueueNames.MerchantAlerts, channel: null, capProfile: null, now, cancellationToken);
        }

        if (order.Buyer is not { } buyer)
        {
            // Events can arrive before order.created: wait a little for the buyer's details, then give up.
            return now - reminder.PlannedFor < TimeSpan.FromHours(1)
                ? await DeferAsync(entry, reminder, now.AddMinutes(1), "buyer_unknown", "the buyer's details have not arrived yet", now, cancellationToken)
                : await SuppressAsync(entry, reminder, ThrottleReasons.NoReachableChannel, "the buyer's details never arrived", now, cancellationToken);
        }
        return await ThrottleAsync(entry, reminder, order, buyer, now, cancellationToken);
    }

    /// <summary>
    /// Whether the reminder is to be acted on now. An index entry that no longer stands for that is removed,
    /// except while another instance holds the reminder (it removes the entry itself).
    /// </summary>
    private async Task<bool> IsDueNowAsync(IndexEntry entry, ReminderRow reminder, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var claimable = reminder.Status.IsPending()
            || (reminder.Status == ReminderStatus.Enqueuing && reminder.ClaimedAt is { } claimed && now - claimed > claims.Enqueuing);
        if (!claimable)
        {
            // Handled already (or being handled right now by another instance, which removes the entry itself).
            if (reminder.Status != ReminderStatus.Enqueuing) await index.RemoveAsync(entry, cancellationToken);
            return false;
        }
        if (reminder.DueAt > now)
        {
            // The reminder was re-planned or deferred to a later time; its own entry is in a later bucket.
            if (reminder.DueAt != entry.DueAt) await index.RemoveAsync(entry, cancellationToken);
            return false;
        }
        return true;
    }

    /// <summary>The buyer's quiet hours, caps and reachable channels decide: send now, later, or not at all.</summary>
    private async Task<DispatchOutcome> ThrottleAsync(
        IndexEntry entry, ReminderRow reminder, Order order, BuyerDetails buyer, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var profile = await buyers.GetAsync(buyer.Id, cancellationToken);
        var siblings = await orders.ReadRemindersAsync(order.OrderId, cancellationToken);
        var decision = ReminderThrottle.Decide(await BuildRequestAsync(reminder, order, buyer, profile, siblings, now, cancellationToken), throttle);
        var outcome = decision switch
        {
            ThrottleDecision.Send send => await EnqueueAsync(entry, reminder, QueueFor(send.Channel), send.Channel, IsTransactional(reminder) ? null : profile, now, cancellationToken),
            ThrottleDecision.Defer defer => await DeferAsync(entry, reminder, defer.Until, defer.Reason, defer.Description, now, cancellationToken),
            ThrottleDecision.Suppress suppress => await SuppressAsync(entry, reminder, suppress.Reason, suppress.Description, now, cancellationToken),
            _ => throw new InvalidOperationException("Unknown throttle decision."),
        };
        var heldFor = decision switch { ThrottleDecision.Defer d => d.Reason, ThrottleDecision.Suppress s => s.Reason, _ => null };
        if (heldFor is not null && outcome is DispatchOutcome.Deferred or DispatchOutcome.Suppressed) await recovery.RecordHeldAsync(order, reminder, heldFor);
        return outcome;
    }

    private async Task<ThrottleRequest> BuildRequestAsync(
        ReminderRow reminder, Order order, BuyerDetails buyer, BuyerProfile profile, IReadOnlyList<ReminderRow> siblings, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (contacts, optedOut) = await buyers.ReachabilityAsync(buyer, profile, cancellationToken);
        var failedChannels = WireNames.ParseChannelList(reminder.FailedChannels);
        return new ThrottleRequest
        {
            ReminderId = $"{order.OrderId}/{reminder.ReminderId}",
            Kind = reminder.Kind,
            IsTransactional = IsTransactional(reminder),
            Now = now,
            BuyerTimeZoneId = buyer.TimeZone,
            Contacts = contacts,
            OptedOut = optedOut,
            FailedChannels = failedChannels,
            OrderSendTimes = siblings
                .Where(r => !IsTransactional(r) && r.EnqueuedAt is not null && r.ReminderId != reminder.ReminderId
                            && r.Status is ReminderStatus.Enqueued or ReminderStatus.Sending or ReminderStatus.Sent)
                .Select(r => r.EnqueuedAt!.Value)
                .ToList(),
            BuyerSendTimesLast24Hours = profile.Recent
                .Where(r => r.At > now.AddDays(-1) && !(r.OrderId == order.OrderId && r.ReminderId == reminder.ReminderId))
                .Select(r => r.At)
                .ToList(),
        };
    }

    private static bool IsTransactional(ReminderRow reminder) => reminder.Transactional;

    /// <param name="capProfile">The buyer's profile as the throttle saw it, when the reminder counts against their daily cap.</param>
    private async Task<DispatchOutcome> EnqueueAsync(
        IndexEntry entry, ReminderRow reminder, string queue, Channel? channel, BuyerProfile? capProfile, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var claim = reminder with { Status = ReminderStatus.Enqueuing, Channel = channel, ClaimedAt = now, Attempt = reminder.Attempt + 1 };
        var claimedETag = await orders.UpdateReminderAsync(claim, [], cancellationToken);
        if (claimedETag is null) return DispatchOutcome.Skipped; // another instance claimed it first
        claim = claim with { ETag = claimedETag.Value };

        if (capProfile is not null && !await TakeCapSlotAsync(claim, capProfile, now, cancellationToken))
        {
            // A concurrent reminder of the same buyer took the last slot: let the next sweep decide again.
            await orders.UpdateReminderAsync(claim with { Status = ReminderStatus.Planned, ClaimedAt = null }, [], cancellationToken);
            return DispatchOutcome.Skipped;
        }

        await storage.SendMessageAsync(queue, new ReminderMessage(claim.OrderId, claim.ReminderId, claim.Attempt).ToJson(), cancellationToken);
        // The message is out: record that even when the sweep is being stopped. Left as a claim, the row would be
        // taken over after Sweeps__ClaimTimeout and the reminder enqueued a second time.
        var recordAnyway = CancellationToken.None;
        var enqueued = claim with { Status = ReminderStatus.Enqueued, EnqueuedAt = now };
        var entryOnTimeline = TimelineEntry.ForReminder(now, TimelineTypes.Enqueued, enqueued) with { Channel = channel?.ToWire() ?? "merchant", Detail = queue };
        if (await orders.UpdateReminderAsync(enqueued, [entryOnTimeline], recordAnyway) is null)
        {
            // A sender took the message off the queue and claimed the row first: the enqueue still goes on the timeline.
            await orders.AddTimelineAsync(enqueued.OrderId, [entryOnTimeline], recordAnyway);
        }
        await index.RemoveAsync(entry, recordAnyway);
        metrics?.ReminderDecided("enqueued", reminder.Kind.ToWire(), lagSinceDue: now - entry.DueAt);
        return DispatchOutcome.Enqueued;
    }

    /// <summary>
    /// Counts the reminder against the buyer's daily cap, unless the cap filled up since the throttle looked. Starts
    /// from the profile the throttle read; the save is conditional on its ETag, so a change since means a fresh read.
    /// </summary>
    private async Task<bool> TakeCapSlotAsync(ReminderRow reminder, BuyerProfile profile, DateTimeOffset now, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            if (attempt > 0) profile = await buyers.GetAsync(profile.BuyerId, cancellationToken);
            if (profile.Recent.Any(r => r.OrderId == reminder.OrderId && r.ReminderId == reminder.ReminderId)) return true;
            var inWindow = profile.Recent.Count(r => r.At > now.AddDays(-1));
            if (inWindow >= throttle.BuyerDailyCap) return false;
            var updated = profile with { Recent = [.. profile.Recent, new RecentReminder(now, reminder.OrderId, reminder.ReminderId)] };
            if (await buyers.TrySaveAsync(updated, cancellationToken)) return true;
        }
        return false;
    }

    private async Task<DispatchOutcome> DeferAsync(
        IndexEntry entry, ReminderRow reminder, DateTimeOffset until, string reason, string description, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var next = entry with { DueAt = until, WrittenAt = null };
        await index.AddAsync(next, cancellationToken);
        var deferred = reminder with { Status = ReminderStatus.Deferred, DueAt = until, Reason = reason, ClaimedAt = null };
        var timeline = TimelineEntry.ForReminder(now, TimelineTypes.Deferred, deferred) with { Until = until, Reason = reason, Detail = description };
        if (await orders.UpdateReminderAsync(deferred, [timeline], cancellationToken) is null) return DispatchOutcome.Skipped;
        if (next.PartitionKey != entry.PartitionKey) await index.RemoveAsync(entry, cancellationToken);
        metrics?.ReminderDecided("deferred", reminder.Kind.ToWire(), reason);
        return DispatchOutcome.Deferred;
    }

    private async Task<DispatchOutcome> SuppressAsync(
        IndexEntry entry, ReminderRow reminder, string reason, string description, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var suppressed = reminder with { Status = ReminderStatus.Suppressed, Reason = reason, ClaimedAt = null };
        var timeline = TimelineEntry.ForReminder(now, TimelineTypes.Suppressed, suppressed) with { Reason = reason, Detail = description };
        if (await orders.UpdateReminderAsync(suppressed, [timeline], cancellationToken) is null) return DispatchOutcome.Skipped;
        await index.RemoveAsync(entry, cancellationToken);
        metrics?.ReminderDecided("suppressed", reminder.Kind.ToWire(), reason);
        return DispatchOutcome.Suppressed;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {Sweep}: {Enqueued} enqueued, {Deferred} deferred, {Suppressed} suppressed, {Skipped} skipped")]
    private static partial void LogSwept(ILogger logger, Sweep sweep, int enqueued, int deferred, int suppressed, int skipped);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Immediate dispatch of {OrderId}/{ReminderId} failed; the next sweep retries it")]
    private static partial void LogImmediateDispatchFailed(ILogger logger, Exception exception, string orderId, string reminderId);
}
