using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Reminders.App.Observability;
using Reminders.App.Orders;
using Reminders.App.Storage;

namespace Reminders.App.Dashboard;

/// <summary>One counter of the activity log: how many timeline entries of <see cref="Type"/> and <see cref="Kind"/> an hour saw.</summary>
public sealed record ActivityCount(string Hour, string Type, string Kind, string Reason, long Count);

/// <summary>A reminder that failed, as the activity log keeps it for the dashboard.</summary>
public sealed record FailedReminder(DateTimeOffset At, string OrderId, string? ReminderId, string? Kind, string? Channel, string? Reason);

/// <summary>What the activity log holds for some hours.</summary>
public sealed record ActivitySnapshot(IReadOnlyList<ActivityCount> Counts, IReadOnlyList<FailedReminder> Failed);

/// <summary>
/// The activity log (table <see cref="ReminderStorage.ActivityTable"/>) behind the dashboard's counts, so that it never scans the Orders table.
/// PartitionKey is the UTC hour <c>yyyyMMddHH</c> of the timeline entry; rows are counters
/// <c>count|{type}|{kind}|{reason}</c> (reason only for deferrals and suppressions), merged with If-Match so that
/// any number of instances add to them, and one <c>failed|...</c> row per failed reminder.
/// Timeline writes are counted in memory and flushed every few seconds (and before the dashboard reads), so the
/// order's write path does no extra storage round trip; counts a crash loses are only statistics.
/// </summary>
public sealed partial class ActivityLog(ReminderStorage storage, ILogger<ActivityLog> logger) : ITimelineObserver
{
    public const string CountPrefix = "count|";
    public const string FailedPrefix = "failed|";

    /// <summary>Failed entries kept in memory while storage is unreachable; more are dropped (they stay on the order's timeline).</summary>
    public const int MaxPendingFailures = 10_000;

    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private Dictionary<(string Hour, string Type, string Kind, string Reason), long> _counts = [];
    private List<FailedReminder> _failures = [];

    private TableClient Table => storage.Activity;

    public static string HourOf(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMddHH", CultureInfo.InvariantCulture);

    public void OnTimelineWritten(string orderId, IReadOnlyList<TimelineEntry> entries)
    {
        lock (_gate)
        {
            foreach (var entry in entries)
            {
                var reason = entry.Type is TimelineTypes.Deferred or TimelineTypes.Suppressed ? entry.Reason ?? "" : "";
                var key = (HourOf(entry.At), entry.Type, entry.Kind ?? "", reason);
                _counts[key] = _counts.GetValueOrDefault(key) + 1;
                if (entry.Type == TimelineTypes.Failed && _failures.Count < MaxPendingFailures)
                {
                    _failures.Add(new FailedReminder(entry.At, orderId, entry.ReminderId, entry.Kind, entry.Channel, entry.Reason));
                }
            }
        }
    }

    /// <summary>Writes what was counted since the last flush. What cannot be written stays for the next flush.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            Dictionary<(string Hour, string Type, string Kind, string Reason), long> counts;
            List<FailedReminder> failures;
            lock (_gate)
            {
                (counts, _counts) = (_counts, []);
                (failures, _failures) = (_failures, []);
            }
            if (counts.Count == 0 && failures.Count == 0) return;

            foreach (var (key, count) in counts)
            {
                try
                {
                    await AddToCounterAsync(key.Hour, CounterKey(key.Type, key.Kind, key.Reason), key, count, cancellationToken);
                }
                catch (Exception e) when (StorageFailure.IsStorageFailure(e))
                {
                    Requeue(new() { [key] = count }, []);
                    LogFlushFailed(logger, e);
                }
            }
            foreach (var failure in failures)
            {
                try
                {
                    await Table.UpsertEntityAsync(ToEntity(failure), TableUpdateMode.Replace, cancellationToken);
                }
                catch (Exception e) when (StorageFailure.IsStorageFailure(e))
                {
                    Requeue([], [failure]);
                    LogFlushFailed(logger, e);
                }
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    /// <summary>The counters and failures of the hours from <paramref name="from"/> to <paramref name="to"/> (UTC hours, inclusive).</summary>
    public Task<ActivitySnapshot> ReadAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        storage.CreatingMissingAsync(() => ReadOnceAsync(from, to, cancellationToken), cancellationToken);

    private async Task<ActivitySnapshot> ReadOnceAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var counts = new List<ActivityCount>();
        var failed = new List<FailedReminder>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {HourOf(from)} and PartitionKey le {HourOf(to)}");
        await foreach (var e in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (e.RowKey.StartsWith(CountPrefix, StringComparison.Ordinal))
            {
                counts.Add(new ActivityCount(e.PartitionKey, e.GetString("Type") ?? "", e.GetString("Kind") ?? "", e.GetString("Reason") ?? "", e.GetInt64("Count") ?? 0));
            }
            else if (e.RowKey.StartsWith(FailedPrefix, StringComparison.Ordinal))
            {
                failed.Add(new FailedReminder(e.GetDateTimeOffset("At") ?? default, e.GetString("OrderId") ?? "", e.GetString("ReminderId"),
                    e.GetString("Kind"), e.GetString("Channel"), e.GetString("Reason")));
            }
        }
        return new ActivitySnapshot(counts, [.. failed.OrderByDescending(f => f.At)]);
    }

    private async Task AddToCounterAsync(string hour, string rowKey, (string Hour, string Type, string Kind, string Reason) key, long count, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var current = await Table.GetEntityIfExistsAsync<TableEntity>(hour, rowKey, cancellationToken: cancellationToken);
                if (current.HasValue)
                {
                    var entity = current.Value!;
                    entity["Count"] = (entity.GetInt64("Count") ?? 0) + count;
                    await Table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await Table.AddEntityAsync(new TableEntity(hour, rowKey)
                    {
                        ["Type"] = key.Type,
                        ["Kind"] = key.Kind,
                        ["Reason"] = key.Reason,
                        ["Count"] = count,
                    }, cancellationToken);
                }
                return;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < 20)
            {
                // Another instance added to the same counter first: read it again.
            }
        }
    }

    private void Requeue(Dictionary<(string Hour, string Type, string Kind, string Reason), long> counts, List<FailedReminder> failures)
    {
        lock (_gate)
        {
            foreach (var (key, count) in counts) _counts[key] = _counts.GetValueOrDefault(key) + count;
            foreach (var failure in failures)
            {
                if (_failures.Count < MaxPendingFailures) _failures.Add(failure);
            }
        }
    }

    private static string CounterKey(string type, string kind, string reason) =>
        CountPrefix + SafeKey(type) + "|" + SafeKey(kind) + "|" + SafeKey(reason);

    private static TableEntity ToEntity(FailedReminder failure) =>
        new(HourOf(failure.At), $"{FailedPrefix}{DateTimeOffset.MaxValue.UtcTicks - failure.At.UtcTicks:D19}|{SafeKey(failure.OrderId)}|{SafeKey(failure.ReminderId ?? "")}")
        {
            ["At"] = failure.At,
            ["OrderId"] = failure.OrderId,
            ["ReminderId"] = failure.ReminderId,
            ["Kind"] = failure.Kind,
            ["Channel"] = failure.Channel,
            ["Reason"] = failure.Reason is { Length: > 200 } r ? r[..200] : failure.Reason,
        };

    /// <summary>Key characters the Table service refuses (/ \ # ? and control characters) become '_'; at most 100 characters.</summary>
    private static string SafeKey(string value)
    {
        var chars = value.Select(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c) ? '_' : c).Take(100).ToArray();
        return new string(chars);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Activity log flush failed; the counts are kept for the next flush")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception);
}
