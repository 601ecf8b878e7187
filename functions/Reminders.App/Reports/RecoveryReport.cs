using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Reminders.App.Orders;

namespace Reminders.App.Reports;

/// <summary>
/// Reads a merchant's recovery report from table Reports, never from Orders. The dates are days in the merchant's zone;
/// rows are kept by UTC day, so the report reads the UTC days that overlap them and counts each row on its local day.
/// A UTC day that is over (an hour past its end: no row is written into it any more) is rolled up once into one summary
/// row per zone, read by every later report: a report costs one summary query plus a query per day not yet rolled up
/// (today, and days nobody has asked about yet), whatever the number of orders.
/// </summary>
public sealed class RecoveryReport(ReminderStorage storage, MerchantTimeZones zones, IOptions<ReportOptions> options, TimeProvider time)
{
    /// <summary>The longest report, in days.</summary>
    public const int MaxDays = 92;

    /// <summary>How long after its end a UTC day is rolled up: longer than any write computed before midnight takes to land.</summary>
    public static readonly TimeSpan CloseAfter = TimeSpan.FromHours(1);

    private const int PieceChars = 32_000;
    private const int MaxPieces = 15;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task<MerchantReport> ReadAsync(string merchantId, DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
        storage.CreatingMissingAsync(() => ReadOnceAsync(merchantId, from, to, cancellationToken), cancellationToken);

    private async Task<MerchantReport> ReadOnceAsync(string merchantId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var zone = await zones.ForAsync(merchantId, cancellationToken);
        var firstDay = DateOnly.FromDateTime(LocalMidnight(from, zone).UtcDateTime);
        var lastDay = DateOnly.FromDateTime(LocalMidnight(to.AddDays(1), zone).UtcDateTime.AddTicks(-1));
        var summaries = await ReadSummariesAsync(merchantId, zone, firstDay, lastDay, cancellationToken);

        var lines = new Dictionary<ReportLineKey, ReportTotals>();
        for (var day = firstDay; day <= lastDay; day = day.AddDays(1))
        {
            var dayLines = summaries.GetValueOrDefault(day) ?? await ReadDayAsync(merchantId, zone, day, cancellationToken);
            foreach (var (key, totals) in dayLines.Where(l => l.Key.Date >= from && l.Key.Date <= to))
            {
                if (!lines.TryGetValue(key, out var line)) lines[key] = line = new ReportTotals();
                line.Add(totals);
            }
        }
        return MerchantReport.Of(merchantId, zone.Id, from, to, options.Value.AttributionWindow, lines);
    }

    /// <summary>One UTC day's rows by local line; a day that is over is rolled up for the next reports.</summary>
    private async Task<Dictionary<ReportLineKey, ReportTotals>> ReadDayAsync(string merchantId, TimeZoneInfo zone, DateOnly day, CancellationToken cancellationToken)
    {
        var lines = new Dictionary<ReportLineKey, ReportTotals>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {ReportRows.DayPartition(merchantId, day)}");
        await foreach (var entity in storage.Reports.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            var fact = ReportFact.FromEntity(entity);
            var key = new ReportLineKey(DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(fact.At, zone).DateTime), fact.Kind, fact.Step, fact.Channel);
            if (!lines.TryGetValue(key, out var line)) lines[key] = line = new ReportTotals();
            line.Add(fact);
        }
        var dayOver = new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) + CloseAfter;
        if (time.GetUtcNow() >= dayOver) await WriteSummaryAsync(merchantId, zone, day, lines, cancellationToken);
        return lines;
    }

    private async Task<Dictionary<DateOnly, Dictionary<ReportLineKey, ReportTotals>>> ReadSummariesAsync(
        string merchantId, TimeZoneInfo zone, DateOnly firstDay, DateOnly lastDay, CancellationToken cancellationToken)
    {
        var summaries = new Dictionary<DateOnly, Dictionary<ReportLineKey, ReportTotals>>();
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {ReportRows.SummaryPartition(merchantId)} and RowKey ge {DayKey(firstDay)} and RowKey lt {DayKey(lastDay.AddDays(1))}");
        await foreach (var entity in storage.Reports.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (entity.RowKey != SummaryKey(DateOnly.ParseExact(entity.RowKey[..8], "yyyyMMdd", CultureInfo.InvariantCulture), zone)) continue;
            var json = new StringBuilder();
            for (var i = 0; entity.GetString($"Lines{i}") is { } piece; i++) json.Append(piece);
            var stored = JsonSerializer.Deserialize<List<StoredLine>>(json.ToString(), Json) ?? [];
            summaries[DateOnly.ParseExact(entity.RowKey[..8], "yyyyMMdd", CultureInfo.InvariantCulture)] =
                stored.ToDictionary(s => new ReportLineKey(s.Date, s.Kind, s.Step, s.Channel), s => s.Totals);
        }
        return summaries;
    }

    /// <summary>Stores a day's lines for this zone. A day too big for one row (15 pieces of JSON) stays unsummarised and is read row by row.</summary>
    private async Task WriteSummaryAsync(string merchantId, TimeZoneInfo zone, DateOnly day, Dictionary<ReportLineKey, ReportTotals> lines, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(lines.Select(l => new StoredLine(l.Key.Date, l.Key.Kind, l.Key.Step, l.Key.Channel, l.Value)).ToList(), Json);
        var pieces = (json.Length + PieceChars - 1) / PieceChars;
        if (pieces > MaxPieces) return;
        var entity = new TableEntity(ReportRows.SummaryPartition(merchantId), SummaryKey(day, zone)) { ["Day"] = DayKey(day), ["TimeZone"] = zone.Id };
        for (var i = 0; i < pieces; i++) entity[$"Lines{i}"] = json.Substring(i * PieceChars, Math.Min(PieceChars, json.Length - i * PieceChars));
        await storage.Reports.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    private sealed record StoredLine(DateOnly Date, string Kind, int Step, string Channel, ReportTotals Totals);

    private static string DayKey(DateOnly day) => day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>Zone ids hold '/', which keys may not.</summary>
    private static string SummaryKey(DateOnly day, TimeZoneInfo zone) => $"{DayKey(day)}|{zone.Id.Replace('/', '~')}";

    /// <summary>The instant a local day starts (the first valid minute when the clocks skip midnight).</summary>
    public static DateTimeOffset LocalMidnight(DateOnly date, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(TimeOnly.MinValue);
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(1);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }
}
