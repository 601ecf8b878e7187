using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Reminders.Core.Notifications;

namespace Reminders.App.Orders;

/// <summary>The sweeps, each owning some reminder kinds.</summary>
public enum Sweep
{
    PaymentDue,
    ConfirmReceipt,
    PayLater,
    Settlement,
    Refund,
}

/// <summary>One entry of the due-time index: order <see cref="OrderId"/>'s reminder <see cref="ReminderId"/> is due at <see cref="DueAt"/>.</summary>
public sealed record IndexEntry(Sweep Sweep, string OrderId, string ReminderId, DateTimeOffset DueAt)
{
    /// <summary>When the entry was written (its storage Timestamp), when read from the index.</summary>
    public DateTimeOffset? WrittenAt { get; init; }

    public string PartitionKey => ReminderIndex.PartitionFor(Sweep, DueAt, OrderId);
    public string RowKey => $"{OrderId}|{ReminderId}";
}

/// <summary>
/// The due-time index (table ReminderIndex) that lets a sweep read only what has come due.
/// PartitionKey <c>{sweep}|{yyyyMMddHHmm}|{shard}</c>: one partition per sweep, UTC minute and shard (spreading a
/// busy minute's writes); RowKey <c>{orderId}|{reminderId}</c>. Entries are deleted once handled, so the key range
/// from a sweep's first bucket to the current minute holds exactly the due work, whatever the number of orders.
/// An entry is written before the order's transaction that plans the reminder, and a sweep checks it against the
/// reminder row, so a crash between the two leaves a stray entry (removed) but never a reminder without one.
/// </summary>
public sealed class ReminderIndex(ReminderStorage storage)
{
    public const int Shards = 4;

    public static Sweep SweepOf(ReminderKind kind) => kind switch
    {
        ReminderKind.PaymentDue or ReminderKind.PaymentWindowExpired or ReminderKind.PaymentFailed => Sweep.PaymentDue,
        ReminderKind.ConfirmReceipt or ReminderKind.AutoConfirmDue => Sweep.ConfirmReceipt,
        ReminderKind.PayLaterDue => Sweep.PayLater,
        ReminderKind.SettlementMissing => Sweep.Settlement,
        ReminderKind.RefundStalled => Sweep.Refund,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static string PartitionFor(Sweep sweep, DateTimeOffset dueAt, string orderId) =>
        $"{sweep}|{Bucket(dueAt)}|{Shard(orderId)}";

    private static string Bucket(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);

    private static int Shard(string orderId) => SHA256.HashData(Encoding.UTF8.GetBytes(orderId))[0] % Shards;

    public Task AddAsync(IndexEntry entry, CancellationToken cancellationToken) =>
        storage.Index.UpsertEntityAsync(ToEntity(entry), TableUpdateMode.Replace, cancellationToken);

    /// <summary>Removes the entry. One another sweep removed already is no error (the SDK answers that 404 without throwing).</summary>
    public Task RemoveAsync(IndexEntry entry, CancellationToken cancellationToken) =>
        storage.Index.DeleteEntityAsync(entry.PartitionKey, entry.RowKey, ETag.All, cancellationToken);

    /// <summary>Entries of <paramref name="sweep"/> due at or before <paramref name="now"/>, oldest bucket first.</summary>
    public async IAsyncEnumerable<IndexEntry> DueAsync(Sweep sweep, DateTimeOffset now, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // "|" sorts before "}" so [sweep|, sweep|{next minute}) covers every bucket up to the current minute.
        var first = $"{sweep}|";
        var end = $"{sweep}|{Bucket(now.AddMinutes(1))}";
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {first} and PartitionKey lt {end} and DueAt le {now}");
        await foreach (var entity in storage.Index.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            var rowKey = entity.RowKey;
            var bar = rowKey.IndexOf('|', StringComparison.Ordinal);
            if (bar <= 0) continue;
            yield return new IndexEntry(sweep, rowKey[..bar], rowKey[(bar + 1)..], entity.GetDateTimeOffset("DueAt") ?? now)
            {
                WrittenAt = entity.Timestamp,
            };
        }
    }

    private static TableEntity ToEntity(IndexEntry entry) => new(entry.PartitionKey, entry.RowKey)
    {
        ["OrderId"] = entry.OrderId,
        ["ReminderId"] = entry.ReminderId,
        ["DueAt"] = entry.DueAt,
    };
}
