using Azure;
using Reminders.App.Orders;
using Reminders.App.Storage;
using Reminders.Core;

namespace Reminders.App.Dashboard;

/// <summary>Depth of one queue; <see cref="Exists"/> is false for a poison queue nothing was ever moved to.</summary>
public sealed record QueueDepth(string Queue, bool Exists, int Messages, string? Error);

/// <summary>One index entry as the dashboard shows it, with its reminder row's status when it was looked up.</summary>
public sealed record AttentionEntry(
    string OrderId,
    string ReminderId,
    string Kind,
    DateTimeOffset DueAt,
    bool Overdue,
    string? Status,
    string? Reason,
    int? Attempt);

/// <summary>A sweep's index: entries already due but not yet handled, entries due within the horizon, counts by kind.</summary>
public sealed record SweepAttention(
    string Sweep,
    int Due,
    int Upcoming,
    bool Capped,
    IReadOnlyDictionary<string, int> DueByKind,
    IReadOnlyDictionary<string, int> UpcomingByKind,
    IReadOnlyList<AttentionEntry> Entries);

/// <summary>The reads behind the dashboard: the due-time index per sweep and the queues' depths. None scans the Orders table.</summary>
public sealed class DashboardQueries(ReminderStorage storage, ReminderIndex index, OrderStore orders, TimeProvider time)
{
    /// <summary>Index entries read per sweep at most; beyond it the counts say "at least".</summary>
    public const int MaxEntriesPerSweep = 1000;

    /// <summary>Entries per sweep, due and upcoming each, whose reminder row is read to show its status.</summary>
    public const int SampledEntries = 10;

    public static IReadOnlyList<string> AllQueues { get; } =
        [.. QueueNames.All, .. QueueNames.All.Select(QueueNames.Poison)];

    public async Task<IReadOnlyList<QueueDepth>> QueueDepthsAsync(CancellationToken cancellationToken) =>
        await Task.WhenAll(AllQueues.Select(async name =>
        {
            try
            {
                var properties = await storage.Queue(name).GetPropertiesAsync(cancellationToken);
                return new QueueDepth(name, true, properties.Value.ApproximateMessagesCount, null);
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return new QueueDepth(name, false, 0, null);
            }
            catch (Exception e) when (StorageFailure.IsUnreachable(e))
            {
                return new QueueDepth(name, false, 0, "unreachable");
            }
            catch (RequestFailedException e)
            {
                return new QueueDepth(name, false, 0, $"{e.Status} {e.ErrorCode}");
            }
        }));

    public async Task<IReadOnlyList<SweepAttention>> AttentionAsync(TimeSpan horizon, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return await storage.CreatingMissingAsync(
            () => Task.WhenAll(Enum.GetValues<Sweep>().Select(sweep => SweepAttentionAsync(sweep, now, horizon, cancellationToken))), cancellationToken);
    }

    private async Task<SweepAttention> SweepAttentionAsync(Sweep sweep, DateTimeOffset now, TimeSpan horizon, CancellationToken cancellationToken)
    {
        // The sweep's own key range, extended to the horizon.
        var entries = new List<(string OrderId, string ReminderId, DateTimeOffset DueAt)>();
        var capped = false;
        await foreach (var entry in index.UntilAsync(sweep, now + horizon, cancellationToken))
        {
            if (entries.Count == MaxEntriesPerSweep)
            {
                capped = true;
                break;
            }
            entries.Add((entry.OrderId, entry.ReminderId, entry.DueAt));
        }

        var due = entries.Where(e => e.DueAt <= now).OrderBy(e => e.DueAt).ToList();
        var upcoming = entries.Where(e => e.DueAt > now).OrderBy(e => e.DueAt).ToList();
        var sample = due.Take(SampledEntries).Concat(upcoming.Take(SampledEntries)).ToList();
        var shown = new List<AttentionEntry>();
        foreach (var (orderId, reminderId, dueAt) in sample)
        {
            var row = await orders.GetReminderAsync(orderId, reminderId, cancellationToken);
            shown.Add(new AttentionEntry(orderId, reminderId, row is null ? KindOf(reminderId) : row.Kind.ToWire(), dueAt, dueAt <= now,
                row?.Status.ToWire(), row?.Reason, row?.Attempt));
        }
        return new SweepAttention(sweep.ToString(), due.Count, upcoming.Count, capped,
            CountByKind(due), CountByKind(upcoming), shown);
    }

    /// <summary>Reminder ids start with the kind's wire name (<c>payment_due.1</c>, <c>refund_stalled.buyer</c>).</summary>
    public static string KindOf(string reminderId)
    {
        var dot = reminderId.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? reminderId : reminderId[..dot];
    }

    private static Dictionary<string, int> CountByKind(IEnumerable<(string OrderId, string ReminderId, DateTimeOffset DueAt)> entries) =>
        entries.GroupBy(e => KindOf(e.ReminderId)).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
}
