using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Reminders.App.Orders;
using Reminders.Core;
using Reminders.Core.Orders;
using Reminders.Core.Planning;
using Reminders.Core.Settings;

namespace Reminders.Benchmarks;

/// <summary>
/// Orders as the app stores them, built with the app's own row types so that seeded data and the raw-write baseline
/// have exactly the app's layout: what OrderStore.ApplyAsync writes for an order.created event (event row, order row,
/// one row per planned reminder, timeline rows) and the ReminderIndex entries of the planned reminders.
/// </summary>
public sealed class OrderFixture
{
    /// <summary>The default Reminders__* settings (payment due steps 30 min, 6 h, 22 h; window 1 day).</summary>
    public ReminderSettings Settings { get; } = new();

    /// <summary>An order.created body as an order system sends it; each buyer has a phone and an email.</summary>
    public static string OrderCreatedBody(string orderId, string buyerId, DateTimeOffset createdAt) => JsonSerializer.Serialize(new
    {
        type = "order.created",
        timestamp = createdAt.ToString("O"),
        data = new
        {
            orderId,
            merchantId = "m-bench",
            buyer = new { id = buyerId, phone = "+8613800138000", email = "buyer@example.com", locale = "zh-CN", timeZone = "Asia/Shanghai" },
            amount = new { value = "199.00", currency = "CNY" },
        },
    });

    /// <summary>The rows one order.created event leaves in the order's partition, and its index entries.</summary>
    public StoredOrder Build(string orderId, string buyerId, DateTimeOffset createdAt, DateTimeOffset now)
    {
        var webhookId = "msg_" + orderId;
        var parsed = OrderEventParser.Parse(Encoding.UTF8.GetBytes(OrderCreatedBody(orderId, buyerId, createdAt)), webhookId, WebhookSource.Orders);
        var e = parsed is OrderEventParseResult.Accepted accepted
            ? accepted.Event
            : throw new InvalidOperationException($"The fixture's order.created body was not accepted: {parsed}");
        var before = Order.New(orderId);
        var after = before.Apply(e);
        var planned = ReminderPlanner.Plan(after, Settings).Select(p => ReminderRow.Planned(orderId, p)).ToList();

        var salt = OrderRows.EventKey(webhookId)[OrderRows.EventPrefix.Length..][..8];
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.Add, OrderRows.EventEntity(orderId, webhookId, e.Type.ToWire(), e.OccurredAt, now, "applied")),
            new(TableTransactionActionType.Add, OrderRows.ToEntity(after, now)),
        };
        var timeline = new List<TimelineEntry>
        {
            new(now, TimelineTypes.EventApplied) { EventType = e.Type.ToWire(), Detail = $"state {before.State.ToWire()} -> {after.State.ToWire()}" },
        };
        foreach (var row in planned)
        {
            actions.Add(new(TableTransactionActionType.Add, row.ToEntity()));
            timeline.Add(TimelineEntry.ForReminder(now, TimelineTypes.ReminderPlanned, row) with { Until = row.DueAt });
        }
        actions.AddRange(timeline.Select((t, i) => new TableTransactionAction(TableTransactionActionType.Add, t.ToEntity(orderId, i, salt))));

        var index = planned.Select(r => new IndexEntry(ReminderIndex.SweepOf(r.Kind), orderId, r.ReminderId, r.DueAt)).ToList();
        return new StoredOrder(orderId, actions, index);
    }

    /// <summary>The entity ReminderIndex.AddAsync writes for an entry.</summary>
    public static TableEntity IndexEntity(IndexEntry entry) => new(entry.PartitionKey, entry.RowKey)
    {
        ["OrderId"] = entry.OrderId,
        ["ReminderId"] = entry.ReminderId,
        ["DueAt"] = entry.DueAt,
    };
}

/// <summary>One order's partition rows (one entity group transaction) and its index entries.</summary>
public sealed record StoredOrder(string OrderId, IReadOnlyList<TableTransactionAction> Rows, IReadOnlyList<IndexEntry> Index);
