using System.Globalization;
using CsvHelper;

namespace Reminders.App.Reports;

/// <summary>GET /api/merchants/{merchantId}/report: one line per day (in <see cref="TimeZone"/>), reminder kind, step and channel.</summary>
public sealed record MerchantReport(string MerchantId, string TimeZone, string From, string To, string AttributionWindow, IReadOnlyList<MerchantReportLine> Lines)
{
    public static MerchantReport Of(string merchantId, string timeZone, DateOnly from, DateOnly to, TimeSpan window, IReadOnlyDictionary<ReportLineKey, ReportTotals> lines) => new(
        merchantId,
        timeZone,
        IsoDate(from),
        IsoDate(to),
        window.ToString("c", CultureInfo.InvariantCulture),
        lines.OrderBy(l => l.Key.Date).ThenBy(l => l.Key.Kind, StringComparer.Ordinal).ThenBy(l => l.Key.Step).ThenBy(l => l.Key.Channel, StringComparer.Ordinal)
            .Select(l => MerchantReportLine.Of(l.Key, l.Value))
            .ToList());

    public static string IsoDate(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The same lines as CSV (RFC 4180, a header row, amounts as <c>398.00 CNY</c>, several currencies separated by "; ").</summary>
    public string ToCsv()
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = CsvWriter.Create(text, options: null, leaveOpen: true))
        {
            csv.WriteHeader([.. CsvHeader]);
            foreach (var line in Lines)
            {
                csv.WriteRecord(
                [
                    line.Date, line.Kind, Number(line.Step), line.Channel ?? "", Number(line.Sent), Number(line.SuppressedCap),
                    Number(line.SuppressedQuietHours), Number(line.SuppressedOptOut), Number(line.SuppressedAlreadyPaid), Number(line.Recovered),
                    string.Join("; ", line.RecoveredAmounts.Select(a => $"{a.Amount} {a.Currency}")),
                    line.MedianSecondsToRecovery?.ToString(CultureInfo.InvariantCulture) ?? "", Number(line.OptOutsAfterReminder),
                ]);
            }
        }
        return text.ToString();
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static IReadOnlyList<string> CsvHeader { get; } =
    [
        "date", "kind", "step", "channel", "sent", "suppressed_cap", "suppressed_quiet_hours", "suppressed_opt_out",
        "suppressed_already_paid", "recovered", "recovered_amount", "median_seconds_to_recovery", "opt_outs_after_reminder",
    ];
}

/// <summary>
/// One day, kind, step and channel (null: held back before a channel was chosen). <see cref="Recovered"/>: orders paid
/// (or receipts confirmed) within the attribution window after this reminder, it being the last one sent before.
/// </summary>
public sealed record MerchantReportLine(
    string Date,
    string Kind,
    int Step,
    string? Channel,
    long Sent,
    long SuppressedCap,
    long SuppressedQuietHours,
    long SuppressedOptOut,
    long SuppressedAlreadyPaid,
    long Recovered,
    IReadOnlyList<RecoveredAmount> RecoveredAmounts,
    decimal? MedianSecondsToRecovery,
    long OptOutsAfterReminder)
{
    public static MerchantReportLine Of(ReportLineKey key, ReportTotals totals) => new(
        MerchantReport.IsoDate(key.Date),
        key.Kind,
        key.Step,
        key.Channel.Length == 0 ? null : key.Channel,
        totals.Sent,
        totals.Held.GetValueOrDefault(HeldReasons.Cap),
        totals.Held.GetValueOrDefault(HeldReasons.QuietHours),
        totals.Held.GetValueOrDefault(HeldReasons.OptOut),
        totals.Held.GetValueOrDefault(HeldReasons.AlreadyPaid),
        totals.Recovered,
        totals.Amounts.OrderBy(a => a.Key, StringComparer.Ordinal)
            .Select(a => new RecoveredAmount(a.Key, a.Value.ToString(CultureInfo.InvariantCulture))).ToList(),
        totals.MedianSeconds(),
        totals.OptOuts);
}

/// <summary>An exact decimal amount as a string (<c>"398.00"</c>), and its ISO 4217 currency.</summary>
public sealed record RecoveredAmount(string Currency, string Amount);
