using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Azure;
using Azure.Data.Tables;
using Reminders.Core;
using Reminders.Core.Notifications;
using Reminders.Core.Orders;
using Reminders.Core.Planning;

namespace Reminders.App.Orders;

/// <summary>
/// The rows of one order's partition in the Orders table (PartitionKey = order id):
/// <c>order</c> (the order's facts as JSON), <c>event|{sha256 of webhook-id}</c> (one per processed webhook),
/// <c>reminder|{reminder id}</c> (one per reminder planned) and <c>timeline|{ticks}|{n}</c> (what happened, in order).
/// </summary>
public static class OrderRows
{
    public const string OrderKey = "order";
    public const string EventPrefix = "event|";
    public const string ReminderPrefix = "reminder|";
    public const string TimelinePrefix = "timeline|";

    /// <summary>Partition for ignored events that named no valid order.</summary>
    public const string UnroutedPartition = "_unrouted";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        // Derived properties (State, PayLater ...) are not stored: they are recomputed from the facts.
        TypeInfoResolver = new DefaultJsonTypeInfoResolver
        {
            Modifiers =
            {
                info =>
                {
                    if (info.Kind != JsonTypeInfoKind.Object) return;
                    foreach (var property in info.Properties.Where(p => p.Set is null).ToList()) info.Properties.Remove(property);
                },
            },
        },
    };

    /// <summary>Webhook ids may hold characters keys may not (/ \ # ?), so the key is their SHA-256.</summary>
    public static string EventKey(string webhookId) =>
        EventPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(webhookId)));

    public static string ReminderKey(string reminderId) => ReminderPrefix + reminderId;

    public static string TimelineKey(DateTimeOffset at, int sequence, string salt) =>
        $"{TimelinePrefix}{at.UtcTicks:D19}|{sequence:D3}|{salt}";

    /// <summary>
    /// A Table string property holds at most 64 KiB of UTF-16, so the order's JSON is cut into pieces of this many
    /// characters: <c>Order</c>, then <c>Order1</c>, <c>Order2</c> ... (an order with many payment failures outgrows one).
    /// </summary>
    public const int OrderPieceChars = 32_000;

    /// <summary>Pieces that fit, with the other properties, in one entity (at most 1 MiB).</summary>
    public const int MaxOrderPieces = 15;

    private const string OrderProperty = "Order";

    /// <exception cref="OrderTooLargeException">The order's facts no longer fit in one row.</exception>
    public static TableEntity ToEntity(Order order, DateTimeOffset updatedAt)
    {
        var json = JsonSerializer.Serialize(order, Json);
        var pieces = Math.Max(1, (json.Length + OrderPieceChars - 1) / OrderPieceChars);
        if (pieces > MaxOrderPieces) throw new OrderTooLargeException(order.OrderId);
        var entity = new TableEntity(order.OrderId, OrderKey)
        {
            ["State"] = order.State.ToWire(),
            ["MerchantId"] = order.MerchantId,
            ["BuyerId"] = order.Buyer?.Id,
            ["UpdatedAt"] = updatedAt,
        };
        for (var i = 0; i < pieces; i++)
        {
            var start = i * OrderPieceChars;
            entity[PieceName(i)] = json.Substring(start, Math.Min(OrderPieceChars, json.Length - start));
        }
        return entity;
    }

    public static Order ToOrder(TableEntity entity)
    {
        var json = new StringBuilder(entity.GetString(OrderProperty) ?? "null");
        for (var i = 1; entity.GetString(PieceName(i)) is { } piece; i++) json.Append(piece);
        return JsonSerializer.Deserialize<Order>(json.ToString(), Json)
            ?? throw new InvalidDataException($"Order row of {entity.PartitionKey} holds no order.");
    }

    private static string PieceName(int index) => index == 0 ? OrderProperty : OrderProperty + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static TableEntity EventEntity(string partition, string webhookId, string type, DateTimeOffset occurredAt, DateTimeOffset receivedAt, string outcome) =>
        new(partition, EventKey(webhookId))
        {
            ["WebhookId"] = webhookId,
            ["Type"] = type,
            ["OccurredAt"] = occurredAt,
            ["ReceivedAt"] = receivedAt,
            ["Outcome"] = outcome,
        };
}

/// <summary>An order's facts have grown past what one order row holds; the event that would add more is refused.</summary>
public sealed class OrderTooLargeException(string orderId)
    : InvalidOperationException($"Order {orderId} holds as many facts as one row can; no more events can be stored for it.")
{
    public string OrderId { get; } = orderId;
}

/// <summary>Where a planned reminder stands; stored and shown by its wire name (<see cref="ReminderStatuses.ToWire"/>).</summary>
public enum ReminderStatus
{
    Planned,
    Deferred,
    /// <summary>Claimed by a sweep that is putting it on a queue.</summary>
    Enqueuing,
    Enqueued,
    /// <summary>Claimed by a sender that is calling the provider.</summary>
    Sending,
    Sent,
    Suppressed,
    Failed,
    Voided,
}

public static class ReminderStatuses
{
    private static readonly FrozenDictionary<ReminderStatus, string> Names = new Dictionary<ReminderStatus, string>
    {
        [ReminderStatus.Planned] = "planned",
        [ReminderStatus.Deferred] = "deferred",
        [ReminderStatus.Enqueuing] = "enqueuing",
        [ReminderStatus.Enqueued] = "enqueued",
        [ReminderStatus.Sending] = "sending",
        [ReminderStatus.Sent] = "sent",
        [ReminderStatus.Suppressed] = "suppressed",
        [ReminderStatus.Failed] = "failed",
        [ReminderStatus.Voided] = "voided",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, ReminderStatus> ByName = Names.ToFrozenDictionary(p => p.Value, p => p.Key);

    public static string ToWire(this ReminderStatus status) => Names[status];

    /// <summary>The status a stored row names; a row written before statuses were stored is planned.</summary>
    public static ReminderStatus FromWire(string? name) =>
        name is null ? ReminderStatus.Planned
        : ByName.TryGetValue(name, out var status) ? status
        : throw new InvalidDataException($"'{name}' is not a reminder status.");

    /// <summary>A sweep may still act on it.</summary>
    public static bool IsPending(this ReminderStatus status) => status is ReminderStatus.Planned or ReminderStatus.Deferred;

    /// <summary>It will not go out (again), whatever happens to the order.</summary>
    public static bool IsFinal(this ReminderStatus status) =>
        status is ReminderStatus.Sent or ReminderStatus.Suppressed or ReminderStatus.Failed or ReminderStatus.Voided;
}

/// <summary>One <c>reminder|{id}</c> row.</summary>
public sealed record ReminderRow(
    string OrderId,
    string ReminderId,
    ReminderKind Kind,
    int Step,
    Audience Audience,
    bool Transactional,
    DateTimeOffset PlannedFor,
    DateTimeOffset DueAt,
    ReminderStatus Status)
{
    public ETag ETag { get; init; }
    public Channel? Channel { get; init; }
    public int Attempt { get; init; }
    public DateTimeOffset? ClaimedAt { get; init; }
    public DateTimeOffset? EnqueuedAt { get; init; }
    public DateTimeOffset? SentAt { get; init; }
    public string? ProviderMessageId { get; init; }
    public string? Reason { get; init; }
    /// <summary>Channels that failed for good for this reminder (comma-separated wire names).</summary>
    public string? FailedChannels { get; init; }

    public static ReminderRow Planned(string orderId, PlannedReminder plan) =>
        new(orderId, plan.ReminderId, plan.Kind, plan.Step, plan.Audience, plan.Transactional, plan.DueAt, plan.DueAt, ReminderStatus.Planned);

    public TableEntity ToEntity()
    {
        var entity = new TableEntity(OrderId, OrderRows.ReminderKey(ReminderId))
        {
            ["Kind"] = Kind.ToWire(),
            ["Step"] = Step,
            ["Audience"] = Audience.ToWire(),
            ["Transactional"] = Transactional,
            ["PlannedFor"] = PlannedFor,
            ["DueAt"] = DueAt,
            ["Status"] = Status.ToWire(),
            ["Attempt"] = Attempt,
            ["Channel"] = Channel?.ToWire(),
            ["ClaimedAt"] = ClaimedAt,
            ["EnqueuedAt"] = EnqueuedAt,
            ["SentAt"] = SentAt,
            ["ProviderMessageId"] = ProviderMessageId,
            ["Reason"] = Reason,
            ["FailedChannels"] = FailedChannels,
        };
        entity.ETag = ETag;
        return entity;
    }

    public static ReminderRow FromEntity(TableEntity e)
    {
        WireNames.TryParseReminderKind(e.GetString("Kind"), out var kind);
        Channel? channel = WireNames.TryParseChannel(e.GetString("Channel"), out var c) ? c : null;
        return new ReminderRow(
            e.PartitionKey,
            e.RowKey[OrderRows.ReminderPrefix.Length..],
            kind,
            e.GetInt32("Step") ?? 1,
            WireNames.ParseAudience(e.GetString("Audience")),
            e.GetBoolean("Transactional") ?? false,
            e.GetDateTimeOffset("PlannedFor") ?? default,
            e.GetDateTimeOffset("DueAt") ?? default,
            ReminderStatuses.FromWire(e.GetString("Status")))
        {
            ETag = e.ETag,
            Channel = channel,
            Attempt = e.GetInt32("Attempt") ?? 0,
            ClaimedAt = e.GetDateTimeOffset("ClaimedAt"),
            EnqueuedAt = e.GetDateTimeOffset("EnqueuedAt"),
            SentAt = e.GetDateTimeOffset("SentAt"),
            ProviderMessageId = e.GetString("ProviderMessageId"),
            Reason = e.GetString("Reason"),
            FailedChannels = e.GetString("FailedChannels"),
        };
    }
}

/// <summary>What happened to an order, as shown on GET /api/orders/{id}: <see cref="Type"/> is one of <see cref="TimelineTypes"/>.</summary>
public sealed record TimelineEntry(DateTimeOffset At, string Type)
{
    public string? EventType { get; init; }
    public string? Kind { get; init; }
    public string? ReminderId { get; init; }
    public string? Channel { get; init; }
    public string? Reason { get; init; }
    public DateTimeOffset? Until { get; init; }
    public string? Detail { get; init; }

    public TableEntity ToEntity(string orderId, int sequence, string salt) => new(orderId, OrderRows.TimelineKey(At, sequence, salt))
    {
        ["At"] = At,
        ["Type"] = Type,
        ["EventType"] = EventType,
        ["Kind"] = Kind,
        ["ReminderId"] = ReminderId,
        ["Channel"] = Channel,
        ["Reason"] = Reason,
        ["Until"] = Until,
        ["Detail"] = Detail,
    };

    public static TimelineEntry FromEntity(TableEntity e) => new(e.GetDateTimeOffset("At") ?? default, e.GetString("Type") ?? "")
    {
        EventType = e.GetString("EventType"),
        Kind = e.GetString("Kind"),
        ReminderId = e.GetString("ReminderId"),
        Channel = e.GetString("Channel"),
        Reason = e.GetString("Reason"),
        Until = e.GetDateTimeOffset("Until"),
        Detail = e.GetString("Detail"),
    };

    public static TimelineEntry ForReminder(DateTimeOffset at, string type, ReminderRow reminder) =>
        new(at, type) { Kind = reminder.Kind.ToWire(), ReminderId = reminder.ReminderId };
}

public static class TimelineTypes
{
    public const string EventApplied = "event_applied";
    public const string EventIgnored = "event_ignored";
    public const string ReminderPlanned = "reminder_planned";
    public const string ReminderVoided = "reminder_voided";
    public const string Enqueued = "enqueued";
    public const string Deferred = "deferred";
    public const string Suppressed = "suppressed";
    public const string Sent = "sent";
    public const string Failed = "failed";
}
