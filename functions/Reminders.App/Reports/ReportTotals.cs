namespace Reminders.App.Reports;

/// <summary>One line of a report: a day in the merchant's zone, a reminder kind, its step and its channel (empty: none chosen yet).</summary>
public sealed record ReportLineKey(DateOnly Date, string Kind, int Step, string Channel);

/// <summary>What one report line counts, while it is added up from rows and day summaries.</summary>
public sealed class ReportTotals
{
    public long Sent { get; set; }

    /// <summary>Reminders held back, by <see cref="HeldReasons"/>.</summary>
    public Dictionary<string, long> Held { get; init; } = [];

    public long Recovered { get; set; }

    /// <summary>Amounts recovered by currency, exact.</summary>
    public Dictionary<string, decimal> Amounts { get; init; } = [];

    /// <summary>Every recovery's time from reminder to payment or confirmation, kept whole so that the median is exact.</summary>
    public List<long> MillisecondsToRecovery { get; init; } = [];

    public long OptOuts { get; set; }

    public void Add(ReportFact fact)
    {
        switch (fact.Type)
        {
            case ReportRows.Sent:
                Sent++;
                break;
            case ReportRows.Held when fact.Reason is { } reason:
                Held[reason] = Held.GetValueOrDefault(reason) + 1;
                break;
            case ReportRows.Recovered:
                Recovered++;
                if (fact.Amount is { } amount) Amounts[amount.Currency] = Amounts.GetValueOrDefault(amount.Currency) + amount.Value;
                if (fact.After is { } after) MillisecondsToRecovery.Add((long)after.TotalMilliseconds);
                break;
            case ReportRows.OptOut:
                OptOuts++;
                break;
        }
    }

    public void Add(ReportTotals other)
    {
        Sent += other.Sent;
        foreach (var (reason, count) in other.Held) Held[reason] = Held.GetValueOrDefault(reason) + count;
        Recovered += other.Recovered;
        foreach (var (currency, value) in other.Amounts) Amounts[currency] = Amounts.GetValueOrDefault(currency) + value;
        MillisecondsToRecovery.AddRange(other.MillisecondsToRecovery);
        OptOuts += other.OptOuts;
    }

    /// <summary>The median time to recovery in seconds (the mean of the middle two for an even count); null without recoveries.</summary>
    public decimal? MedianSeconds()
    {
        if (MillisecondsToRecovery.Count == 0) return null;
        var sorted = MillisecondsToRecovery.Order().ToList();
        var middle = sorted.Count / 2;
        var ms = sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2m;
        return ms / 1000m;
    }
}
