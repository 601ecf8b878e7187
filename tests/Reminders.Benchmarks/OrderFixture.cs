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

    /// <summary>An order.cancelled body for <paramref name="orderId"/>.</summary>
    public static string OrderCancelledBody(string orderId, DateTimeOffset cancelledAt) => JsonSerializer.Serialize(new
    {
        type = "order.cancelled",
        timestamp = cancelledAt.ToString("O"),
        data = new { orderId, merchantId = "m-bench" },
    });

    private static OrderEvent Parse(string body, string webhookId)
    {
        var parsed = OrderEventParser.Parse(Encoding.UTF8.GetBytes(body), webhookId, WebhookSource.Orders);
        return parsed is OrderEventParseResult.Accepted accepted
            ? accepted.Event
            : throw new InvalidOperationException($"The fixture's body was not accepted: {parsed}");
    }

    /// <summary>The order.created and order.cancelled events of an order that was placed and then cancelled.</summary>
    public static (OrderEvent Created, OrderEvent Cancelled) PlacedThenCancelled(string orderId, string buyerId, DateTimeOffset createdAt) =>
        (Parse(OrderCreatedBody(orderId, buyerId, createdAt), "msg_" + orderId),
         Parse(OrderCancelledBody(orderId, createdAt.AddMinutes(10)), "msg_c_" + orderId));

    /// <summary>The rows one order.created event leaves in the order's partition, and its index entries.</summary>
    public StoredOrder Build(string orderId, string buyerId, DateTimeOffset createdAt, DateTimeOffset now)
    {
        var webhookId = "msg_" + orderId;
        var e = Parse(OrderCreatedBody(orderId, buyerId, createdAt), webhookId);
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

    /// <summary>The index writes of one order as the app makes them: one upsert transaction per index partition.</summary>
    public static IEnumerable<IReadOnlyList<TableTransactionAction>> IndexTransactions(IEnumerable<IndexEntry> entries) =>
        entries.GroupBy(e => e.PartitionKey).SelectMany(p => p.Chunk(100))
            .Select(batch => (IReadOnlyList<TableTransactionAction>)[.. batch.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, ReminderIndex.ToEntity(e)))]);
}

/// <summary>One order's partition rows (one entity group transaction) and its index entries.</summary>
public sealed record StoredOrder(string OrderId, IReadOnlyList<TableTransactionAction> Rows, IReadOnlyList<IndexEntry> Index);
