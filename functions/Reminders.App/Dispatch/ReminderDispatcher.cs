using Microsoft.Extensions.Logging;
using Reminders.App.Buyers;
using Reminders.App.Merchants;
using Reminders.App.Observability;
using Reminders.App.Orders;
using Reminders.App.Reports;
using Reminders.App.Storage;
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
/// row is claimed (enqueued, with If-Match) before anything is enqueued, and a claim whose index entry a crashed
/// instance left behind is taken over only after <see cref="ClaimTimeouts.Enqueuing"/> (Sweeps__ClaimTimeout).
/// </summary>
public sealed partial class ReminderDispatcher(
    OrderStore orders,
    BuyerStore buyers,
    ReminderIndex index,
    ReminderStorage storage,
    MerchantPolicies policies,
    ClaimTimeouts claims,
    TimeProvider time,
    ILogger<ReminderDispatcher> logger,
    RecoveryRecorder recovery,
    ReminderMetrics? metrics = null)
{
    /// <summary>An index entry whose reminder row never appeared (the order's transaction failed) is removed after this.</summary>
    public static readonly TimeSpan StrayEntryAge = TimeSpan.FromMinutes(5);

    /// <summary>Handled index entries removed together (entity group transactions hold 100).</summary>
    private const int RemoveBatch = 100;

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
        // Entries of handled reminders go in batches per index partition, even when the sweep is being stopped: an
        // entry left behind with its message out would be taken over after Sweeps__ClaimTimeout and enqueued again.
        var handled = new List<IndexEntry>();
        try
        {
            await foreach (var entry in index.DueAsync(sweep, time.GetUtcNow(), cancellationToken))
            {
                counts[await DispatchAsync(entry, handled, cancellationToken)]++;
                if (handled.Count < RemoveBatch) continue;
                await index.RemoveAsync(handled, CancellationToken.None);
                handled.Clear();
            }
        }
        catch when (handled.Count > 0)
        {
            await RemoveHandledAnywayAsync(handled);
            throw;
        }
        await index.RemoveAsync(handled, CancellationToken.None);
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
        var handled = new List<IndexEntry>();
        DispatchOutcome outcome;
        try
        {
            outcome = await DispatchAsync(entry, handled, cancellationToken);
        }
        catch when (handled.Count > 0)
        {
            await RemoveHandledAnywayAsync(handled);
            throw;
        }
        await index.RemoveAsync(handled, CancellationToken.None);
        return outcome;
    }

    /// <summary>Removes handled entries while the sweep fails or stops; if storage fails too, they are left to the next sweep.</summary>
    private async Task RemoveHandledAnywayAsync(IReadOnlyList<IndexEntry> handled)
    {
        try
        {
            await index.RemoveAsync(handled, CancellationToken.None);
        }
        catch (Exception e) when (StorageFailure.IsStorageFailure(e))
        {
            LogHandledEntriesLeft(logger, e, handled.Count);
        }
    }

    /// <param name="handled">Collects the index entries that no longer stand for pending work, for the caller to remove.</param>
    private async Task<DispatchOutcome> DispatchAsync(IndexEntry entry, List<IndexEntry> handled, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // One query for the order and its reminder rows: the reminder, the order's state and its siblings' send times.
        var (order, reminders) = await orders.ReadForDispatchAsync(entry.OrderId, cancellationToken);
        var reminder = reminders.FirstOrDefault(r => r.ReminderId == entry.ReminderId);
        if (reminder is null)
        {
            if (now - entry.DueAt > StrayEntryAge && entry.WrittenAt is { } written && now - written > StrayEntryAge) handled.Add(entry);
            return DispatchOutcome.Skipped;
        }
        if (!IsDueNow(entry, reminder, now, handled)) return DispatchOutcome.Skipped;
        if (order is null) return DispatchOutcome.Skipped;

        if (!ReminderRelevance.IsStillDue(order, reminder.ReminderId, await policies.ForOrderAsync(order, cancellationToken)))
        {
            var outcome = await SuppressAsync(entry, reminder, "order_state", $"the order is {order.State.ToWire()}; the reminder no longer applies", now, handled, cancellationToken);
            if (outcome == DispatchOutcome.Suppressed) await recovery.RecordHeldAsync(order, reminder, "order_state");
            return outcome;
        }

        if (reminder.Audience == Audience.Merchant)
        {
            return await EnqueueAsync(entry, reminder, QueueNames.MerchantAlerts, channel: null, capProfile: null, now, handled, cancellationToken);
        }

        if (order.Buyer is not { } buyer)
        {
            // Events can arrive before order.created: wait a little for the buyer's details, then give up.
            return now - reminder.PlannedFor < TimeSpan.FromHours(1)
                ? await DeferAsync(entry, reminder, now.AddMinutes(1), "buyer_unknown", "the buyer's details have not arrived yet", now, handled, cancellationToken)
                : await SuppressAsync(entry, reminder, ThrottleReasons.NoReachableChannel, "the buyer's details never arrived", now, handled, cancellationToken);
        }
        return await ThrottleAsync(entry, reminder, order, buyer, reminders, now, handled, cancellationToken);
    }

    /// <summary>
    /// Whether the reminder is to be acted on now. An index entry that no longer stands for that is removed,
    /// except while another instance holds the reminder (it removes the entry itself).
    /// </summary>
    private bool IsDueNow(IndexEntry entry, ReminderRow reminder, DateTimeOffset now, List<IndexEntry> handled)
    {
        // A sweep's claim (enqueued, or enqueuing as written before) whose entry outlived it by Sweeps__ClaimTimeout: that
        // sweep stopped before it put the message out or removed the entry. Taking it over enqueues a new attempt; an
        // older message, if it did go out, is then a stale copy the sender drops.
        var swept = reminder.Status is ReminderStatus.Enqueuing or ReminderStatus.Enqueued && reminder.ClaimedAt is not null;
        var claimable = reminder.Status.IsPending() || (swept && now - reminder.ClaimedAt!.Value > claims.Enqueuing);
        if (!claimable)
        {
            // Handled already (or being handled right now by another sweep, which removes the entry itself).
            if (!swept) handled.Add(entry);
            return false;
        }
        if (reminder.DueAt > now)
        {
            // The reminder was re-planned or deferred to a later time; its own entry is in a later bucket.
            if (reminder.DueAt != entry.DueAt) handled.Add(entry);
            return false;
        }
        return true;
    }

    /// <summary>The buyer's quiet hours, caps and reachable channels decide: send now, later, or not at all.</summary>
    private async Task<DispatchOutcome> ThrottleAsync(
        IndexEntry entry, ReminderRow reminder, Order order, BuyerDetails buyer, IReadOnlyList<ReminderRow> siblings, DateTimeOffset now,
        List<IndexEntry> handled, CancellationToken cancellationToken)
    {
        var profile = await buyers.GetAsync(buyers.KeyOf(order.MerchantId, buyer.Id), cancellationToken);
        var throttle = (await policies.CurrentAsync(order.MerchantId, cancellationToken)).Throttle;
        var decision = ReminderThrottle.Decide(await BuildRequestAsync(reminder, order, buyer, profile, siblings, throttle, now, cancellationToken), throttle);
        var outcome = decision switch
        {
            ThrottleDecision.Send send => await EnqueueAsync(entry, reminder, QueueFor(send.Channel), send.Channel,
                IsTransactional(reminder) ? null : new CapSlot(profile, throttle.BuyerDailyCap), now, handled, cancellationToken),
            ThrottleDecision.Defer defer => await DeferAsync(entry, reminder, defer.Until, defer.Reason, defer.Description, now, handled, cancellationToken),
            ThrottleDecision.Suppress suppress => await SuppressAsync(entry, reminder, suppress.Reason, suppress.Description, now, handled, cancellationToken),
            _ => throw new InvalidOperationException("Unknown throttle decision."),
        };
        var heldFor = decision switch { ThrottleDecision.Defer d => d.Reason, ThrottleDecision.Suppress s => s.Reason, _ => null };
        if (heldFor is not null && outcome is DispatchOutcome.Deferred or DispatchOutcome.Suppressed) await recovery.RecordHeldAsync(order, reminder, heldFor);
        return outcome;
    }

    private async Task<ThrottleRequest> BuildRequestAsync(
        ReminderRow reminder, Order order, BuyerDetails buyer, BuyerProfile profile, IReadOnlyList<ReminderRow> siblings, ThrottleSettings throttle,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var failedChannels = WireNames.ParseChannelList(reminder.FailedChannels);
        var contacts = new Dictionary<Channel, ContactStatus>();
        foreach (var (channel, contact) in BuyerContacts.All(buyer))
        {
            if (contact is not null) contacts[channel] = profile.IsBad(channel, contact) ? ContactStatus.MarkedBad : ContactStatus.Available;
        }
        var optedOut = await OptedOutAsync(buyer, profile, contacts, failedChannels, throttle.ChannelOrder, cancellationToken);
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

    /// <summary>
    /// The channels the buyer opted out of, as a buyer or through a contact (an SMS STOP). The throttle takes the first
    /// usable channel in order, so only the contact it would choose needs its opt-out read; one opted out, the next.
    /// </summary>
    private async Task<IReadOnlySet<Channel>> OptedOutAsync(
        BuyerDetails buyer, BuyerProfile profile, IReadOnlyDictionary<Channel, ContactStatus> contacts, IReadOnlySet<Channel> failedChannels,
        IReadOnlyList<Channel> channelOrder, CancellationToken cancellationToken)
    {
        var optedOut = profile.OptedOut.ToHashSet();
        while (ChannelChooser.Choose(channelOrder, contacts, optedOut, failedChannels).Channel is { } channel
               && BuyerContacts.For(buyer, channel) is { } contact
               && await buyers.IsContactOptedOutAsync(channel, contact, cancellationToken))
        {
            optedOut.Add(channel);
        }
        return optedOut;
    }

    private static bool IsTransactional(ReminderRow reminder) => reminder.Transactional;

    /// <summary>The buyer's profile as the throttle saw it and the merchant's daily cap, for a reminder that counts against it.</summary>
    private sealed record CapSlot(BuyerProfile Profile, int DailyCap);

    /// <summary>
    /// Claims the row as enqueued, with its timeline entry, in one transaction conditional on its ETag, then puts the
    /// message on the queue. A crash between the two leaves a claim the next sweep takes over after Sweeps__ClaimTimeout.
    /// </summary>
    /// <param name="capProfile">The buyer's profile and cap, when the reminder counts against their daily cap.</param>
    private async Task<DispatchOutcome> EnqueueAsync(
        IndexEntry entry, ReminderRow reminder, string queue, Channel? channel, CapSlot? capProfile, DateTimeOffset now,
        List<IndexEntry> handled, CancellationToken cancellationToken)
    {
        // The cap slot first: it is this reminder's own slot, so an instance that then loses the claim to another
        // leaves the slot to the winner, which needs it too.
        if (capProfile is not null && !await TakeCapSlotAsync(reminder, capProfile, now, cancellationToken))
        {
            // A concurrent reminder of the same buyer took the last slot: let the next sweep decide again.
            return DispatchOutcome.Skipped;
        }

        var enqueued = reminder with { Status = ReminderStatus.Enqueued, Channel = channel, ClaimedAt = now, EnqueuedAt = now, Attempt = reminder.Attempt + 1 };
        var entryOnTimeline = TimelineEntry.ForReminder(now, TimelineTypes.Enqueued, enqueued) with { Channel = channel?.ToWire() ?? "merchant", Detail = queue };
        if (await orders.UpdateReminderAsync(enqueued, [entryOnTimeline], cancellationToken) is null) return DispatchOutcome.Skipped; // another instance claimed it first

        await storage.SendMessageAsync(queue, new ReminderMessage(enqueued.OrderId, enqueued.ReminderId, enqueued.Attempt).ToJson(), cancellationToken);
        handled.Add(entry);
        metrics?.ReminderDecided("enqueued", reminder.Kind.ToWire(), lagSinceDue: now - entry.DueAt);
        return DispatchOutcome.Enqueued;
    }

    /// <summary>
    /// Counts the reminder against the buyer's daily cap, unless the cap filled up since the throttle looked. Starts
    /// from the profile the throttle read; the save is conditional on its ETag, so a change since means a fresh read.
    /// </summary>
    private async Task<bool> TakeCapSlotAsync(ReminderRow reminder, CapSlot slot, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var profile = slot.Profile;
        for (var attempt = 0; attempt < 20; attempt++)
        {
            if (attempt > 0) profile = await buyers.GetAsync(profile.BuyerKey, cancellationToken);
            if (profile.Recent.Any(r => r.OrderId == reminder.OrderId && r.ReminderId == reminder.ReminderId)) return true;
            var inWindow = profile.Recent.Count(r => r.At > now.AddDays(-1));
            if (inWindow >= slot.DailyCap) return false;
            var updated = profile with { Recent = [.. profile.Recent, new RecentReminder(now, reminder.OrderId, reminder.ReminderId)] };
            if (await buyers.TrySaveAsync(updated, cancellationToken)) return true;
        }
        return false;
    }

    private async Task<DispatchOutcome> DeferAsync(
        IndexEntry entry, ReminderRow reminder, DateTimeOffset until, string reason, string description, DateTimeOffset now,
        List<IndexEntry> handled, CancellationToken cancellationToken)
    {
        var next = entry with { DueAt = until, WrittenAt = null };
        await index.AddAsync(next, cancellationToken);
        var deferred = reminder with { Status = ReminderStatus.Deferred, DueAt = until, Reason = reason, ClaimedAt = null };
        var timeline = TimelineEntry.ForReminder(now, TimelineTypes.Deferred, deferred) with { Until = until, Reason = reason, Detail = description };
        if (await orders.UpdateReminderAsync(deferred, [timeline], cancellationToken) is null) return DispatchOutcome.Skipped;
        if (next.RowKey != entry.RowKey) handled.Add(entry);
        metrics?.ReminderDecided("deferred", reminder.Kind.ToWire(), reason);
        return DispatchOutcome.Deferred;
    }

    private async Task<DispatchOutcome> SuppressAsync(
        IndexEntry entry, ReminderRow reminder, string reason, string description, DateTimeOffset now,
        List<IndexEntry> handled, CancellationToken cancellationToken)
    {
        var suppressed = reminder with { Status = ReminderStatus.Suppressed, Reason = reason, ClaimedAt = null };
        var timeline = TimelineEntry.ForReminder(now, TimelineTypes.Suppressed, suppressed) with { Reason = reason, Detail = description };
        if (await orders.UpdateReminderAsync(suppressed, [timeline], cancellationToken) is null) return DispatchOutcome.Skipped;
        handled.Add(entry);
        metrics?.ReminderDecided("suppressed", reminder.Kind.ToWire(), reason);
        return DispatchOutcome.Suppressed;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep {Sweep}: {Enqueued} enqueued, {Deferred} deferred, {Suppressed} suppressed, {Skipped} skipped")]
    private static partial void LogSwept(ILogger logger, Sweep sweep, int enqueued, int deferred, int suppressed, int skipped);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} handled index entries could not be removed; the next sweep removes them")]
    private static partial void LogHandledEntriesLeft(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Immediate dispatch of {OrderId}/{ReminderId} failed; the next sweep retries it")]
    private static partial void LogImmediateDispatchFailed(ILogger logger, Exception exception, string orderId, string reminderId);
}
