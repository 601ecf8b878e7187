using System.Globalization;
using System.Text;
using Reminders.App.Orders;

namespace Reminders.Faults;

/// <summary>The figures of one scenario, counted from what reached the providers, maildev and storage.</summary>
public sealed record ScenarioFigures
{
    /// <summary>Far longer than a sender takes from reading the order to the provider's answer; shorter than the 4 s from payment to due.</summary>
    public static readonly TimeSpan InFlightGrace = TimeSpan.FromSeconds(2);

    public required string Scenario { get; init; }
    public int Orders { get; init; }
    public int Kills { get; init; }
    public int WebhooksAcknowledged { get; init; }
    /// <summary>Unpaid orders whose reminder reached no provider and is not failed (with its timeline entry) in storage.</summary>
    public int Lost { get; init; }
    /// <summary>Messages beyond the first that reached a provider for one reminder.</summary>
    public int Duplicates { get; init; }
    /// <summary>Unpaid orders whose reminder was still on its way (retrying) when the run stopped waiting.</summary>
    public int Open { get; init; }
    /// <summary>Messages reaching a provider more than <see cref="InFlightGrace"/> after the order's payment was answered 2xx.</summary>
    public int SentAfterPaid { get; init; }
    /// <summary>Messages reaching a provider within <see cref="InFlightGrace"/> after the payment's 2xx: sends already under way.</summary>
    public int InFlightAtPayment { get; init; }
    public int AcknowledgedNotStored { get; init; }
    public int ServerErrorsOutsideOutage { get; init; }
    public int ServerErrorsDuringOutage { get; init; }
    /// <summary>Reminders recorded as failed (provider retries spent, or poisoned), each on its order's timeline.</summary>
    public int Failed { get; init; }
    public IReadOnlyList<double> RestartToFirstDelivery { get; init; } = [];
    public bool Settled { get; init; }
    public double SettleSeconds { get; init; }
    public double Seconds { get; init; }
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>At most one duplicate per kill, none without a kill.</summary>
    public bool DuplicatesWithinGoal => Duplicates <= Kills;

    public bool GoalsMet => Settled && Lost == 0 && DuplicatesWithinGoal && SentAfterPaid == 0 && AcknowledgedNotStored == 0 && ServerErrorsOutsideOutage == 0;

    public static ScenarioFigures Count(ScenarioRun run, IReadOnlyList<PlannedOrder> orders, IReadOnlyList<Delivery> deliveries, StoredState stored,
        (bool Settled, TimeSpan Took) settle, TimeSpan elapsed)
    {
        var byContact = deliveries.GroupBy(d => d.Contact, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.OrdinalIgnoreCase);
        var acknowledged = run.Webhooks.Acknowledged;
        int lost = 0, open = 0, duplicates = 0, afterPaid = 0, inFlightAtPayment = 0, failed = 0;
        foreach (var order in orders)
        {
            var got = byContact.TryGetValue(order.Contact, out var list) ? list : [];
            var rows = stored.Reminders.TryGetValue(order.OrderId, out var r) ? r : [];
            failed += rows.Count(row => row.Status == ReminderStatus.Failed);
            duplicates += Math.Max(0, got.Count - Math.Max(1, rows.Count));
            if (acknowledged.TryGetValue(order.PaidWebhookId, out var paid))
            {
                foreach (var late in got.Where(d => d.At > paid.At))
                {
                    // A sender that read the order just before the payment was stored still sends: its message
                    // reaches the provider moments after the payment's 2xx. Later than InFlightGrace is a reminder
                    // the app decided to send on an order it had stored as paid.
                    if (late.At - paid.At <= InFlightGrace)
                    {
                        inFlightAtPayment++;
                        continue;
                    }
                    afterPaid++;
                    run.Log($"sent after paid: {order.OrderId} ({order.Payment}) {late.Channel} at {late.At:HH:mm:ss.fff}, payment acknowledged at {paid.At:HH:mm:ss.fff}");
                }
            }
            else if (acknowledged.ContainsKey(order.CreatedWebhookId) && got.Count == 0 && !rows.Any(row => row.Status == ReminderStatus.Failed))
            {
                if (rows.Count > 0 && rows.All(row => !row.Status.IsFinal()))
                {
                    open++; // still being retried when the run stopped waiting: neither delivered nor lost yet
                    continue;
                }
                lost++;
                run.Log($"lost: {order.OrderId} ({order.Channel}), rows: {string.Join(", ", rows.Select(x => $"{x.ReminderId} {x.Status} {x.Reason}"))}");
            }
        }

        var notStored = acknowledged.Count(a => !stored.Events.Contains((a.Value.OrderId, OrderRows.EventKey(a.Key))));
        var errors = run.Webhooks.Attempts.Where(a => a.Status >= 500).ToList();
        // A request that started during an outage, or up to Webhooks__StoreTimeout (10 s) before it, may answer 503.
        bool DuringOutage(WebhookAttempt a) => run.Outages.Any(o => a.StartedAt >= o.From - TimeSpan.FromSeconds(10) && a.StartedAt <= o.To);
        var restarts = RestartDelays(run, deliveries);
        return new ScenarioFigures
        {
            Scenario = run.Name,
            Orders = orders.Count,
            Kills = run.Kills,
            WebhooksAcknowledged = acknowledged.Count,
            Lost = lost,
            Open = open,
            Duplicates = duplicates,
            SentAfterPaid = afterPaid,
            InFlightAtPayment = inFlightAtPayment,
            AcknowledgedNotStored = notStored,
            ServerErrorsOutsideOutage = errors.Count(a => !DuringOutage(a)),
            ServerErrorsDuringOutage = errors.Count(DuringOutage),
            Failed = failed,
            RestartToFirstDelivery = restarts,
            Settled = settle.Settled,
            SettleSeconds = Math.Round(settle.Took.TotalSeconds, 1),
            Seconds = Math.Round(elapsed.TotalSeconds, 1),
            Notes = run.Notes,
        };
    }

    /// <summary>For each restart, seconds from spawning the process to the next message reaching a provider.</summary>
    private static List<double> RestartDelays(ScenarioRun run, IReadOnlyList<Delivery> deliveries)
    {
        var times = deliveries.Select(d => d.At).Order().ToList();
        var delays = new List<double>();
        foreach (var restart in run.Restarts)
        {
            var first = times.FirstOrDefault(t => t >= restart);
            if (first != default) delays.Add(Math.Round((first - restart).TotalSeconds, 1));
        }
        return delays;
    }

    public string RestartText => RestartToFirstDelivery.Count == 0 ? "-"
        : $"{Median(RestartToFirstDelivery).ToString("0.0", CultureInfo.InvariantCulture)} / {RestartToFirstDelivery.Max().ToString("0.0", CultureInfo.InvariantCulture)}";

    private static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[(sorted.Count - 1) / 2];
    }
}

/// <summary>The table printed at the end and written to the results file.</summary>
public static class Report
{
    public static string Markdown(IReadOnlyList<ScenarioFigures> figures, DateTimeOffset startedAt, TimeSpan took, string mode)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Fault-injection run of {startedAt:yyyy-MM-dd HH:mm} UTC ({mode}, {took.TotalMinutes:0.0} min, {Environment.ProcessorCount} cores).");
        text.AppendLine();
        text.AppendLine("| scenario | orders | kills | webhooks 2xx | lost | duplicates | sent after paid (in flight at payment) | 2xx not stored | 5xx outside outage (during) | failed, on timeline | restart to first delivery, median / max s | settled in s | goals |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var f in figures)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {f.Scenario} | {f.Orders} | {f.Kills} | {f.WebhooksAcknowledged} | {f.Lost} | {f.Duplicates} | {f.SentAfterPaid} ({f.InFlightAtPayment}) | {f.AcknowledgedNotStored} | {f.ServerErrorsOutsideOutage} ({f.ServerErrorsDuringOutage}) | {f.Failed} | {f.RestartText} | {(f.Settled ? f.SettleSeconds.ToString("0", CultureInfo.InvariantCulture) : $"no, {f.Open} open")} | {(f.GoalsMet ? "met" : "MISSED")} |");
        }
        foreach (var f in figures.Where(f => f.Notes.Count > 0))
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"{f.Scenario}: {string.Join("; ", f.Notes)}");
        }
        return text.ToString();
    }
}
