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

    public string PartitionKey => ReminderIndex.PartitionFor(Sweep, OrderId);
    public string RowKey => $"{DueAt.UtcTicks:D19}|{OrderId}|{ReminderId}";

    /// <summary>The entry of a reminder row as it stands (its kind's sweep, its due time).</summary>
    public static IndexEntry Of(ReminderRow row) => new(ReminderIndex.SweepOf(row.Kind), row.OrderId, row.ReminderId, row.DueAt);
}

/// <summary>
/// The due-time index (table ReminderIndex) that lets a sweep read only what has come due. It holds pending reminders
/// only: entries are added before the order's transaction that plans the reminder and deleted once the reminder is
/// handled or voided, so its size follows the pending reminders, not the stored orders.
/// PartitionKey <c>{sweep}|{shard}</c> (the shard a hash of the order id, so one order's entries of a sweep share a
/// partition and are written in one entity group transaction); RowKey <c>{due ticks, 19 digits}|{orderId}|{reminderId}</c>,
/// so a sweep reads each shard's key range up to now. A sweep checks every entry against the reminder row, so a crash
/// between the entry and the order's transaction leaves a stray entry (removed) but never a reminder without one.
/// </summary>
public sealed class ReminderIndex(ReminderStorage storage)
{
    public const int Shards = 4;

    /// <summary>Entity group transactions hold at most 100 operations.</summary>
    private const int MaxBatch = 100;

    public static Sweep SweepOf(ReminderKind kind) => kind switch
    {
        ReminderKind.PaymentDue or ReminderKind.PaymentWindowExpired or ReminderKind.PaymentFailed => Sweep.PaymentDue,
        ReminderKind.ConfirmReceipt or ReminderKind.AutoConfirmDue => Sweep.ConfirmReceipt,
        ReminderKind.PayLaterDue => Sweep.PayLater,
        ReminderKind.SettlementMissing => Sweep.Settlement,
        ReminderKind.RefundStalled => Sweep.Refund,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static string PartitionFor(Sweep sweep, string orderId) => $"{sweep}|{Shard(orderId)}";

    private static int Shard(string orderId) => SHA256.HashData(Encoding.UTF8.GetBytes(orderId))[0] % Shards;

    public static TableEntity ToEntity(IndexEntry entry) => new(entry.PartitionKey, entry.RowKey)
    {
        ["OrderId"] = entry.OrderId,
        ["ReminderId"] = entry.ReminderId,
        ["DueAt"] = entry.DueAt,
    };

    public Task AddAsync(IndexEntry entry, CancellationToken cancellationToken) =>
        storage.Index.UpsertEntityAsync(ToEntity(entry), TableUpdateMode.Replace, cancellationToken);

    /// <summary>Writes the entries, one entity group transaction per partition (an order's entries of one sweep: one request).</summary>
    public Task AddAsync(IReadOnlyCollection<IndexEntry> entries, CancellationToken cancellationToken) =>
        Task.WhenAll(Batches(entries).Select(batch => storage.Index.SubmitTransactionAsync(
            batch.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToEntity(e))), cancellationToken)));

    /// <summary>
    /// Removes the entries, one entity group transaction per partition. A transaction fails whole when one of its
    /// entries is gone already (another sweep removed it): that one is left out and the rest sent again.
    /// </summary>
    public Task RemoveAsync(IReadOnlyCollection<IndexEntry> entries, CancellationToken cancellationToken) =>
        Task.WhenAll(Batches(entries).Select(async batch =>
        {
            var actions = batch.Select(e => new TableTransactionAction(TableTransactionActionType.Delete, ToEntity(e), ETag.All)).ToList();
            while (actions.Count > 0)
            {
                try
                {
                    await storage.Index.SubmitTransactionAsync(actions, cancellationToken);
                    return;
                }
                catch (TableTransactionFailedException failed) when (failed.Status == 404 && failed.FailedTransactionActionIndex is { } gone)
                {
                    actions.RemoveAt(gone);
                }
            }
        }));

    private static IEnumerable<IndexEntry[]> Batches(IReadOnlyCollection<IndexEntry> entries) =>
        entries.DistinctBy(e => (e.PartitionKey, e.RowKey)).GroupBy(e => e.PartitionKey).SelectMany(partition => partition.Chunk(MaxBatch));

    /// <summary>Entries of <paramref name="sweep"/> due at or before <paramref name="now"/>, oldest first within each shard.</summary>
    public IAsyncEnumerable<IndexEntry> DueAsync(Sweep sweep, DateTimeOffset now, CancellationToken cancellationToken) =>
        UntilAsync(sweep, now, cancellationToken);

    /// <summary>Entries of <paramref name="sweep"/> due at or before <paramref name="until"/>, shard by shard, oldest first within each.</summary>
    public async IAsyncEnumerable<IndexEntry> UntilAsync(Sweep sweep, DateTimeOffset until, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Ticks of the next instant, fixed width: every key up to and including "until" sorts before it.
        var end = $"{until.UtcTicks + 1:D19}";
        for (var shard = 0; shard < Shards; shard++)
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {$"{sweep}|{shard}"} and RowKey lt {end}");
            await foreach (var entity in storage.Index.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                if (entity.GetString("OrderId") is not { Length: > 0 } orderId || entity.GetString("ReminderId") is not { Length: > 0 } reminderId) continue;
                yield return new IndexEntry(sweep, orderId, reminderId, entity.GetDateTimeOffset("DueAt") ?? until)
                {
                    WrittenAt = entity.Timestamp,
                };
            }
        }
    }
}
