using Azure;
using Azure.Data.Tables;
using Reminders.App.Observability;
using Reminders.App.Reports;
using Reminders.App.Storage;
using Reminders.Core;
using Reminders.Core.Orders;
using Reminders.Core.Planning;
using Reminders.Core.Settings;

namespace Reminders.App.Orders;

/// <summary>What storing an event did.</summary>
public abstract record ApplyOutcome
{
    private ApplyOutcome() { }

    /// <summary>The event was new and is now stored with the order's new state and plan.</summary>
    public sealed record Applied(Order Order, IReadOnlyList<ReminderRow> Planned) : ApplyOutcome;

    /// <summary>This webhook-id was stored before; nothing changed.</summary>
    public sealed record AlreadyApplied(string OrderId) : ApplyOutcome;
}

/// <summary>An order as read back: its facts, its reminders and its timeline.</summary>
public sealed record OrderSnapshot(Order Order, ETag ETag, IReadOnlyList<ReminderRow> Reminders, IReadOnlyList<TimelineEntry> Timeline);

/// <summary>
/// Keeps orders in the Orders table, one partition per order. An event's idempotency row, the order's new facts,
/// its re-planned reminders and the timeline entries are written in one entity group transaction; the order row's
/// ETag makes concurrent events on one order retry rather than overwrite each other.
/// </summary>
public sealed class OrderStore(
    ReminderStorage storage, ReminderIndex index, TimeProvider time, Random random, IEnumerable<ITimelineObserver> timelineObservers,
    RecoveryRecorder recovery)
{
    private readonly IReadOnlyList<ITimelineObserver> _observers = [.. timelineObservers];

    private const int MaxAttempts = 20;

    public Task<ApplyOutcome> ApplyAsync(OrderEvent e, ReminderSettings settings, CancellationToken cancellationToken) =>
        ApplyAsync(e, _ => settings, cancellationToken);

    /// <param name="settingsFor">The settings that plan the order once the event is applied (its merchant's policy).</param>
    public Task<ApplyOutcome> ApplyAsync(OrderEvent e, Func<Order, ReminderSettings> settingsFor, CancellationToken cancellationToken) =>
        storage.CreatingMissingAsync(() => ApplyOnceAsync(e, settingsFor, cancellationToken), cancellationToken);

    private async Task<ApplyOutcome> ApplyOnceAsync(OrderEvent e, Func<Order, ReminderSettings> settingsFor, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            // A new order's first event is written without a read: its rows are added, so the transaction fails
            // with 409 when the order or the event exists already, and the next round reads them.
            var (seen, current, reminders) = attempt == 1 && e.Type == OrderEventType.OrderCreated
                ? (false, null, [])
                : await ReadForEventAsync(e, cancellationToken);
            if (seen) return new ApplyOutcome.AlreadyApplied(e.OrderId);

            var before = current is not null ? OrderRows.ToOrder(current) : Order.New(e.OrderId);
            var after = before.Apply(e);
            var now = time.GetUtcNow();
            var settings = settingsFor(after);
            var changes = Replan(after, reminders, settings);

            // The index entries go first (one transaction per index partition): a crash after them leaves stray
            // entries a sweep discards, never a planned reminder that no sweep would find.
            await index.AddAsync(changes.Planned.Select(IndexEntry.Of).ToList(), cancellationToken);

            var recovered = recovery.Attribute(before, after, reminders);
            List<TimelineEntry> timeline = [.. TimelineOf(e, before, after, changes, settings.Source, now), .. recovered.Select(a => a.ToTimelineEntry(now))];
            try
            {
                await storage.Orders.SubmitTransactionAsync(WriteActions(e, current, after, changes, timeline, now), cancellationToken);
            }
            catch (TableTransactionFailedException failed) when (failed.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // 409 on the event row: a copy of this webhook won the race; the next round answers AlreadyApplied.
                // 409 on the order row or 412 anywhere: another event changed the order; apply ours to the new state.
                // Jitter, so that writers that collided do not collide again in step (none before the first read).
                if (attempt > 1 || current is not null) await Task.Delay(TimeSpan.FromMilliseconds(random.Next(5, 20 * attempt)), time, cancellationToken);
                continue;
            }
            _observers.NotifySafely(e.OrderId, timeline); // activity log, outcomes; never fails the write
            await recovery.RecordRecoveredAsync(after, recovered); // the report's row; never fails the write
            await RemoveStaleEntriesAsync(changes.Stale, cancellationToken);
            return new ApplyOutcome.Applied(after, changes.Planned);
        }
    }

    /// <summary>
    /// Index entries of reminders the event voided or moved go after the order's transaction (a stray entry is
    /// harmless, a missing one is not). The event is stored: failing to remove them only leaves them to the sweep.
    /// </summary>
    private async Task RemoveStaleEntriesAsync(IReadOnlyList<IndexEntry> stale, CancellationToken cancellationToken)
    {
        if (stale.Count == 0) return;
        try
        {
            await index.RemoveAsync(stale, cancellationToken);
        }
        catch (Exception e) when (StorageFailure.IsStorageFailure(e))
        {
            // The sweep that reads them finds their rows no longer pending and removes them.
        }
    }

    /// <summary>One query reads what the event needs: whether it was applied before, the order row, and its reminders.</summary>
    private async Task<(bool Seen, TableEntity? Order, List<ReminderRow> Reminders)> ReadForEventAsync(OrderEvent e, CancellationToken cancellationToken)
    {
        var eventKey = OrderRows.EventKey(e.EventId);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {e.OrderId} and (RowKey eq {eventKey} or RowKey eq {OrderRows.OrderKey} or (RowKey ge {OrderRows.ReminderPrefix} and RowKey lt {"reminder}"}))");
        TableEntity? current = null;
        var reminders = new List<ReminderRow>();
        var seen = false;
        await foreach (var entity in storage.Orders.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (entity.RowKey == eventKey) seen = true;
            else if (entity.RowKey == OrderRows.OrderKey) current = entity;
            else reminders.Add(ReminderRow.FromEntity(entity));
        }
        return (seen, current, reminders);
    }

    /// <param name="policy">Whose policy planned the order (<see cref="ReminderSettings.Source"/>), said with what a later change does.</param>
    private static List<TimelineEntry> TimelineOf(OrderEvent e, Order before, Order after, PlanChanges changes, string? policy, DateTimeOffset now) =>
    [
        new(now, TimelineTypes.EventApplied)
        {
            EventType = e.Type.ToWire(),
            Detail = $"state {before.State.ToWire()} -> {after.State.ToWire()}"
                + (policy is null || changes.Planned.Count == 0 ? "" : $"; planned with {policy} (in force when the order was created; later policy changes apply to orders created after them)"),
        },
        .. changes.Planned.Select(row => TimelineEntry.ForReminder(now, TimelineTypes.ReminderPlanned, row) with { Until = row.DueAt }),
        .. changes.Voided.Select(row => TimelineEntry.ForReminder(now, TimelineTypes.ReminderVoided, row) with { Reason = row.Reason }),
    ];

    /// <summary>The event row, the order row (guarded by its ETag), the re-planned reminders and the timeline: one transaction.</summary>
    private static List<TableTransactionAction> WriteActions(
        OrderEvent e, TableEntity? current, Order after, PlanChanges changes, List<TimelineEntry> timeline, DateTimeOffset now)
    {
        var salt = OrderRows.EventKey(e.EventId)[OrderRows.EventPrefix.Length..][..8];
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.Add,
                OrderRows.EventEntity(e.OrderId, e.EventId, e.Type.ToWire(), e.OccurredAt, now, "applied")),
            current is not null
                ? new(TableTransactionActionType.UpdateReplace, OrderRows.ToEntity(after, now), current.ETag)
                : new(TableTransactionActionType.Add, OrderRows.ToEntity(after, now)),
        };
        actions.AddRange(changes.Planned.Select(row => row.ETag == default
            ? new TableTransactionAction(TableTransactionActionType.Add, row.ToEntity())
            : new TableTransactionAction(TableTransactionActionType.UpdateReplace, row.ToEntity(), row.ETag)));
        actions.AddRange(changes.Voided.Select(row => new TableTransactionAction(TableTransactionActionType.UpdateReplace, row.ToEntity(), row.ETag)));
        actions.AddRange(timeline.Select((t, i) => new TableTransactionAction(TableTransactionActionType.Add, t.ToEntity(e.OrderId, i, salt))));
        return actions;
    }

    /// <summary>Records an event of a type this service does not act on, so the sender stops retrying and operators see it.</summary>
    public Task RecordIgnoredAsync(string webhookId, string type, DateTimeOffset occurredAt, string? orderId, CancellationToken cancellationToken) =>
        storage.CreatingMissingAsync(() => RecordIgnoredOnceAsync(webhookId, type, occurredAt, orderId, cancellationToken), cancellationToken);

    private async Task RecordIgnoredOnceAsync(string webhookId, string type, DateTimeOffset occurredAt, string? orderId, CancellationToken cancellationToken)
    {
        var partition = orderId ?? OrderRows.UnroutedPartition;
        var now = time.GetUtcNow();
        var salt = OrderRows.EventKey(webhookId)[OrderRows.EventPrefix.Length..][..8];
        try
        {
            await storage.Orders.SubmitTransactionAsync(
            [
                new(TableTransactionActionType.Add, OrderRows.EventEntity(partition, webhookId, type, occurredAt, now, "ignored")),
                new(TableTransactionActionType.Add,
                    new TimelineEntry(now, TimelineTypes.EventIgnored) { EventType = type, Reason = "unknown_event_type" }.ToEntity(partition, 0, salt)),
            ], cancellationToken);
            _observers.NotifySafely(partition, [new TimelineEntry(now, TimelineTypes.EventIgnored) { EventType = type, Reason = "unknown_event_type" }]);
        }
        catch (TableTransactionFailedException failed) when (failed.Status == 409)
        {
            // Recorded already: a replay.
        }
    }

    public Task<OrderSnapshot?> GetAsync(string orderId, CancellationToken cancellationToken) =>
        storage.CreatingMissingAsync(() => GetOnceAsync(orderId, cancellationToken), cancellationToken);

    private async Task<OrderSnapshot?> GetOnceAsync(string orderId, CancellationToken cancellationToken)
    {
        TableEntity? orderRow = null;
        var reminders = new List<ReminderRow>();
        var timeline = new List<TimelineEntry>();
        await foreach (var entity in storage.Orders.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {orderId}"), cancellationToken: cancellationToken))
        {
            if (entity.RowKey == OrderRows.OrderKey) orderRow = entity;
            else if (entity.RowKey.StartsWith(OrderRows.ReminderPrefix, StringComparison.Ordinal)) reminders.Add(ReminderRow.FromEntity(entity));
            else if (entity.RowKey.StartsWith(OrderRows.TimelinePrefix, StringComparison.Ordinal)) timeline.Add(TimelineEntry.FromEntity(entity));
        }
        return orderRow is null ? null : new OrderSnapshot(OrderRows.ToOrder(orderRow), orderRow.ETag, reminders, timeline);
    }

    public async Task<(Order Order, ETag ETag)?> GetOrderAsync(string orderId, CancellationToken cancellationToken)
    {
        var row = await storage.Orders.GetEntityIfExistsAsync<TableEntity>(orderId, OrderRows.OrderKey, cancellationToken: cancellationToken);
        return row.HasValue ? (OrderRows.ToOrder(row.Value!), row.Value!.ETag) : null;
    }

    /// <summary>One query for what a sweep needs to decide on a reminder: the order and all its reminder rows.</summary>
    public async Task<(Order? Order, IReadOnlyList<ReminderRow> Reminders)> ReadForDispatchAsync(string orderId, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {orderId} and (RowKey eq {OrderRows.OrderKey} or (RowKey ge {OrderRows.ReminderPrefix} and RowKey lt {"reminder}"}))");
        Order? order = null;
        var reminders = new List<ReminderRow>();
        await foreach (var entity in storage.Orders.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (entity.RowKey == OrderRows.OrderKey) order = OrderRows.ToOrder(entity);
            else reminders.Add(ReminderRow.FromEntity(entity));
        }
        return (order, reminders);
    }

    /// <summary>One query for what a sender needs: the order and the one reminder row.</summary>
    /// <returns>The order (with the ETag of its row, for <see cref="UpdateReminderAsync"/>) and the reminder row.</returns>
    public async Task<(Order? Order, ETag OrderETag, ReminderRow? Reminder)> ReadForSendAsync(string orderId, string reminderId, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {orderId} and (RowKey eq {OrderRows.OrderKey} or RowKey eq {OrderRows.ReminderKey(reminderId)})");
        Order? order = null;
        var orderETag = default(ETag);
        ReminderRow? reminder = null;
        await foreach (var entity in storage.Orders.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (entity.RowKey == OrderRows.OrderKey) (order, orderETag) = (OrderRows.ToOrder(entity), entity.ETag);
            else reminder = ReminderRow.FromEntity(entity);
        }
        return (order, orderETag, reminder);
    }

    public async Task<ReminderRow?> GetReminderAsync(string orderId, string reminderId, CancellationToken cancellationToken)
    {
        var row = await storage.Orders.GetEntityIfExistsAsync<TableEntity>(orderId, OrderRows.ReminderKey(reminderId), cancellationToken: cancellationToken);
        return row.HasValue ? ReminderRow.FromEntity(row.Value!) : null;
    }

    /// <summary>
    /// Writes a reminder's new row and its timeline entries in one transaction, conditional on the row's ETag.
    /// Returns the row's new ETag, or null when someone else changed the row first.
    /// </summary>
    /// <param name="orderAsRead">
    /// When given, the write also fails (null) if the order row changed since it was read with this ETag: a payment
    /// stored after a sender's check then stops the claim. The order row is merged with nothing, so its ETag moves on.
    /// </param>
    public async Task<ETag?> UpdateReminderAsync(ReminderRow row, IReadOnlyList<TimelineEntry> timeline, CancellationToken cancellationToken, ETag? orderAsRead = null)
    {
        var salt = Guid.NewGuid().ToString("N")[..8];
        var actions = new List<TableTransactionAction> { new(TableTransactionActionType.UpdateReplace, row.ToEntity(), row.ETag) };
        if (orderAsRead is { } orderETag)
        {
            actions.Add(new(TableTransactionActionType.UpdateMerge, new TableEntity(row.OrderId, OrderRows.OrderKey), orderETag));
        }
        actions.AddRange(timeline.Select((t, i) => new TableTransactionAction(TableTransactionActionType.Add, t.ToEntity(row.OrderId, i, salt))));
        try
        {
            var responses = await storage.Orders.SubmitTransactionAsync(actions, cancellationToken);
            _observers.NotifySafely(row.OrderId, timeline); // activity log, outcomes; never fails the write
            return responses.Value[0].Headers.ETag
                ?? (await storage.Orders.GetEntityAsync<TableEntity>(row.OrderId, OrderRows.ReminderKey(row.ReminderId), cancellationToken: cancellationToken)).Value.ETag;
        }
        catch (TableTransactionFailedException failed) when (failed.Status is 412 or 404)
        {
            return null;
        }
    }

    /// <summary>Adds timeline entries that belong to no reminder row change.</summary>
    public async Task AddTimelineAsync(string orderId, IReadOnlyList<TimelineEntry> timeline, CancellationToken cancellationToken)
    {
        var salt = Guid.NewGuid().ToString("N")[..8];
        await storage.Orders.SubmitTransactionAsync(
            timeline.Select((t, i) => new TableTransactionAction(TableTransactionActionType.Add, t.ToEntity(orderId, i, salt))), cancellationToken);
        _observers.NotifySafely(orderId, timeline); // activity log, outcomes; never fails the write
    }

    /// <param name="Stale">Index entries of the voided rows and of the re-planned rows' old due times.</param>
    private sealed record PlanChanges(IReadOnlyList<ReminderRow> Planned, IReadOnlyList<ReminderRow> Voided, IReadOnlyList<IndexEntry> Stale);

    /// <summary>
    /// New plan entries become planned rows; pending rows whose planned time moved are re-planned; pending rows
    /// no longer in the plan are voided (once paid, no payment reminder may go out). Rows already on their way
    /// or finished are left alone: the sender re-checks the order before it sends.
    /// </summary>
    private static PlanChanges Replan(Order order, IReadOnlyList<ReminderRow> existing, ReminderSettings settings)
    {
        var plan = ReminderPlanner.Plan(order, settings);
        var byId = existing.ToDictionary(r => r.ReminderId, StringComparer.Ordinal);
        var planned = new List<ReminderRow>();
        var stale = new List<IndexEntry>();
        foreach (var entry in plan)
        {
            if (!byId.TryGetValue(entry.ReminderId, out var row))
            {
                planned.Add(ReminderRow.Planned(order.OrderId, entry));
            }
            else if (row.Status == ReminderStatus.Planned && row.PlannedFor != entry.DueAt)
            {
                planned.Add(row with { PlannedFor = entry.DueAt, DueAt = entry.DueAt });
                stale.Add(IndexEntry.Of(row));
            }
        }
        var planIds = plan.Select(p => p.ReminderId).ToHashSet(StringComparer.Ordinal);
        var voided = existing
            .Where(r => r.Status.IsPending() && !planIds.Contains(r.ReminderId))
            .Select(r => r with { Status = ReminderStatus.Voided, Reason = $"order is {order.State.ToWire()}" })
            .ToList();
        stale.AddRange(voided.Select(IndexEntry.Of));
        return new PlanChanges(planned, voided, stale);
    }
}
