using System.Diagnostics;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Reminders.App.Orders;
using Reminders.App.Reports;
using Reminders.Core.Orders;
using Reminders.TestSupport;

namespace Reminders.Benchmarks;

/// <summary>
/// Recovery report cost: a month's report (RecoveryReport.ReadAsync in the app in-process) for a merchant with
/// --orders-large orders, next to one with --orders-small, storage requests counted and timed; the first read rolls
/// the month's days up, later reads answer from the day summaries. The report rows are seeded directly, as the app
/// writes them (RecoveryRecorder): per order a first reminder sent, 60 % a second, 40 % recovered, 15 % held back
/// for quiet hours, 2 % opt-outs.
/// </summary>
public sealed class ReportScenario(BenchmarkOptions options, ResultSet results, TimeProvider time)
{
    private const int SeedConcurrency = 4;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var counter = new RequestCounter();
        using var azurite = Repository.StartAzurite();
        var settings = new RunSecrets().AppSettings(azurite.ConnectionString);
        await using var app = new InProcessApp(settings, counter);
        var storage = app.Services.GetRequiredService<ReminderStorage>();
        var report = app.Services.GetRequiredService<RecoveryReport>();
        await storage.CreateAllAsync(cancellationToken);

        // The last 30 whole days in the merchant's zone (Reminders__DefaultTimeZone, Asia/Shanghai), all of them over.
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).DateTime);
        var (from, to) = (today.AddDays(-31), today.AddDays(-2));
        var start = RecoveryReport.LocalMidnight(from, zone);

        await SeedAsync(storage, "m-warm-up", 100, start, cancellationToken);
        await SeedAsync(storage, "m-small", options.OrdersSmall, start, cancellationToken);
        await SeedAsync(storage, "m-large", options.OrdersLarge, start, cancellationToken);
        await ReadAsync(report, counter, "m-warm-up", from, to, "warm-up", cancellationToken); // JIT, connections

        var smallFirst = await ReadAsync(report, counter, "m-small", from, to, "first", cancellationToken);
        var smallLater = await ReadAsync(report, counter, "m-small", from, to, "later", cancellationToken);
        var largeFirst = await ReadAsync(report, counter, "m-large", from, to, "first", cancellationToken);
        var largeLater = await ReadAsync(report, counter, "m-large", from, to, "later", cancellationToken);

        var month = $"a month (30 days) of {options.OrdersLarge:N0} orders";
        var baseline = $"same, {options.OrdersSmall:N0} orders";
        results.Add(new ResultRow("report", $"report storage requests, {month}, first read (rolls the days up)", largeFirst.Requests, "requests")
        {
            Baseline = baseline,
            BaselineValue = smallFirst.Requests,
            Note = "one query per UTC day (1,000 rows a page) and one summary written per UTC day, once",
        });
        results.Add(new ResultRow("report", $"report storage requests, {month}, later reads", largeLater.Requests, "requests")
        {
            Baseline = baseline,
            BaselineValue = smallLater.Requests,
        });
        results.Add(new ResultRow("report", $"report time, {month}, later reads", largeLater.Elapsed.TotalMilliseconds, "ms")
        {
            Baseline = baseline,
            BaselineValue = smallLater.Elapsed.TotalMilliseconds,
        });
        results.Note($"report: {options.OrdersLarge:N0} orders gave {largeLater.Sent:N0} reminders sent and {largeLater.Recovered:N0} recovered in the report "
            + $"(first read {largeFirst.Elapsed.TotalSeconds:0.00} s). Writing costs one upsert per reminder sent, per reminder held back, per order "
            + "recovered and per opt-out credited; sizes follow --orders-small and --orders-large (--orders-large 100000 for the issue's month).");
    }

    private sealed record ReportRun(TimeSpan Elapsed, long Requests, long Sent, long Recovered);

    private static async Task<ReportRun> ReadAsync(RecoveryReport report, RequestCounter counter, string merchantId, DateOnly from, DateOnly to, string what,
        CancellationToken cancellationToken)
    {
        using var scope = counter.Measure();
        var watch = Stopwatch.StartNew();
        var answer = await report.ReadAsync(merchantId, from, to, cancellationToken);
        watch.Stop();
        var sent = answer.Lines.Sum(l => l.Sent);
        var recovered = answer.Lines.Sum(l => l.Recovered);
        Console.WriteLine($"report {merchantId} ({what}): {watch.Elapsed.TotalMilliseconds:0} ms, {scope.Requests} requests, {answer.Lines.Count} lines, {sent} sent, {recovered} recovered");
        return new ReportRun(watch.Elapsed, scope.Requests, sent, recovered);
    }

    /// <summary>The rows the app would have written for <paramref name="orders"/> orders spread over the 30 days from <paramref name="start"/>.</summary>
    private static async Task SeedAsync(ReminderStorage storage, string merchantId, int orders, DateTimeOffset start, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var random = new Random(orders);
        var rows = new List<TableEntity>();
        var amount = new Money(199.00m, "CNY");
        for (var i = 0; i < orders; i++)
        {
            var orderId = $"R-{i:D7}";
            var first = start.AddSeconds(random.Next(0, 30 * 86_400 - 8 * 3600));
            var second = first.AddHours(6);
            rows.Add(new ReportFact(ReportRows.Sent, first, "payment_due", 1, "sms").ToEntity(merchantId, $"sent|{orderId}|payment_due.1"));
            if (random.Next(100) < 15)
                rows.Add(new ReportFact(ReportRows.Held, first.AddMinutes(-5), "payment_due", 1, "") { Reason = HeldReasons.QuietHours }.ToEntity(merchantId, $"held|{orderId}|payment_due.1|quiet_hours"));
            if (random.Next(100) < 2)
                rows.Add(new ReportFact(ReportRows.OptOut, first.AddMinutes(3), "payment_due", 1, "sms").ToEntity(merchantId, $"optout|{orderId}|payment_due.1|sms"));
            var roll = random.Next(100);
            if (roll < 30)
            {
                var after = TimeSpan.FromMinutes(random.Next(1, 300));
                rows.Add(new ReportFact(ReportRows.Recovered, first + after, "payment_due", 1, "sms") { Amount = amount, After = after }.ToEntity(merchantId, $"recovered|{orderId}|payment"));
            }
            else if (roll < 90)
            {
                rows.Add(new ReportFact(ReportRows.Sent, second, "payment_due", 2, "sms").ToEntity(merchantId, $"sent|{orderId}|payment_due.2"));
                if (roll < 40)
                {
                    var after = TimeSpan.FromMinutes(random.Next(1, 120));
                    rows.Add(new ReportFact(ReportRows.Recovered, second + after, "payment_due", 2, "sms") { Amount = amount, After = after }.ToEntity(merchantId, $"recovered|{orderId}|payment"));
                }
            }
        }
        var batches = rows.GroupBy(r => r.PartitionKey).SelectMany(p => p.Chunk(100)).ToList();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = SeedConcurrency, CancellationToken = cancellationToken },
            async (batch, ct) => await storage.Reports.SubmitTransactionAsync(batch.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), ct));
        Console.WriteLine($"report: seeded {rows.Count:N0} rows for {orders:N0} orders of {merchantId} in {watch.Elapsed.TotalSeconds:0.0} s");
    }
}
