using System.Globalization;
using Azure.Data.Tables;
using Reminders.Core.Orders;

namespace Reminders.App.Reports;

/// <summary>
/// The rows of table <c>Reports</c>, kept for the merchants' recovery report so that it never reads the Orders table.
/// PartitionKey <c>{merchantId}|{yyyyMMdd}</c> is the UTC day the row was written; one row per thing counted, keyed
/// so that recording it again (a retry, a replay) writes the same row:
/// <c>sent|{orderId}|{reminderId}</c>, <c>held|{orderId}|{reminderId}|{reason}</c>, <c>recovered|{orderId}|{goal}</c>,
/// <c>optout|{orderId}|{reminderId}|{channel}</c>. Partition <c>{merchantId}|summary</c> holds a closed day's rows
/// rolled up (<see cref="ReportSummary"/>).
/// </summary>
public static class ReportRows
{
    public const string Sent = "sent";
    public const string Held = "held";
    public const string Recovered = "recovered";
    public const string OptOut = "optout";

    public static string DayPartition(string merchantId, DateOnly utcDay) =>
        $"{merchantId}|{utcDay.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}";

    public static string DayPartition(string merchantId, DateTimeOffset at) => DayPartition(merchantId, DateOnly.FromDateTime(at.UtcDateTime));

    public static string SummaryPartition(string merchantId) => $"{merchantId}|summary";
}

/// <summary>Held-back reasons a report counts, from the throttle's and sender's reason codes.</summary>
public static class HeldReasons
{
    public const string Cap = "cap";
    public const string QuietHours = "quiet_hours";
    public const string OptOut = "opt_out";
    public const string AlreadyPaid = "already_paid";

    public static IReadOnlyList<string> All { get; } = [Cap, QuietHours, OptOut, AlreadyPaid];
}

/// <summary>One counted thing: a reminder sent or held back, an order recovered after a reminder, an opt-out after one.</summary>
/// <param name="Type">One of <see cref="ReportRows.Sent"/>, <see cref="ReportRows.Held"/>, <see cref="ReportRows.Recovered"/>, <see cref="ReportRows.OptOut"/>.</param>
/// <param name="At">When it was recorded; the report's day.</param>
/// <param name="Channel">The reminder's channel; empty when it was held back before one was chosen.</param>
public sealed record ReportFact(string Type, DateTimeOffset At, string Kind, int Step, string Channel)
{
    /// <summary>Held rows: one of <see cref="HeldReasons"/>.</summary>
    public string? Reason { get; init; }

    /// <summary>Recovered rows: the order's amount.</summary>
    public Money? Amount { get; init; }

    /// <summary>Recovered rows: from the reminder's sending to the payment or confirmation.</summary>
    public TimeSpan? After { get; init; }

    public TableEntity ToEntity(string merchantId, string rowKey) => new(ReportRows.DayPartition(merchantId, At), rowKey)
    {
        ["Type"] = Type,
        ["At"] = At,
        ["Kind"] = Kind,
        ["Step"] = Step,
        ["Channel"] = Channel,
        ["Reason"] = Reason,
        ["Amount"] = Amount?.Value.ToString(CultureInfo.InvariantCulture),
        ["Currency"] = Amount?.Currency,
        ["AfterMs"] = After is { } after ? (long)after.TotalMilliseconds : null,
    };

    public static ReportFact FromEntity(TableEntity e) => new(
        e.GetString("Type") ?? "", e.GetDateTimeOffset("At") ?? default, e.GetString("Kind") ?? "", e.GetInt32("Step") ?? 0, e.GetString("Channel") ?? "")
    {
        Reason = e.GetString("Reason"),
        Amount = e.GetString("Amount") is { } value && e.GetString("Currency") is { } currency
            ? new Money(decimal.Parse(value, NumberStyles.Number, CultureInfo.InvariantCulture), currency)
            : null,
        After = e.GetInt64("AfterMs") is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
    };
}
