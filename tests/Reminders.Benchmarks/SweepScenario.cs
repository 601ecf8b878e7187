using System.Diagnostics;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Reminders.App.Dispatch;
using Reminders.App.Orders;
using Reminders.TestSupport;

namespace Reminders.Benchmarks;

/// <summary>
/// Sweep scaling: one PaymentDue sweep (ReminderDispatcher.SweepAsync in the app in-process) with the same number of
/// reminders due among a small and a large number of stored orders, timed and with its storage requests counted;
/// next to a naive sweep that scans the Orders table with a $filter on the same data. The large data set is the small
/// one plus more orders (and a fresh set of due reminders), seeded directly in the app's row layout.
/// </summary>
public sealed class SweepScenario(BenchmarkOptions options, ResultSet results, TimeProvider time)
{
    private const int SeedConcurrency = 4;
    private const int WarmupOrders = 20;
    private const int ProbeRequests = 100;

    /// <summary>Once a year: the app's own timers must not sweep while the benchmark does.</summary>
    private const string Never = "0 0 0 1 1 *";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var fixture = new OrderFixture();
        var secrets = new RunSecrets();
        var counter = new RequestCounter();
        using var azurite = Repository.StartAzurite();
        var settings = secrets.AppSettings(azurite.ConnectionString);
        settings["Reminders__QuietHours__Start"] = "00:00"; // quiet hours off: every due reminder goes out now
        settings["Reminders__QuietHours__End"] = "00:00";
        foreach (var sweep in Enum.GetNames<Sweep>()) settings[$"Sweeps__{sweep}__Schedule"] = Never;

        await using var app = new InProcessApp(settings, counter);
        var storage = app.Services.GetRequiredService<ReminderStorage>();
        var dispatcher = app.Services.GetRequiredService<ReminderDispatcher>();
        await storage.CreateAllAsync(cancellationToken);
        var countedOptions = new TableClientOptions();
        countedOptions.AddPolicy(counter, Azure.Core.HttpPipelinePosition.PerRetry);
        var naiveOrders = new TableClient(azurite.ConnectionString, ReminderStorage.OrdersTable, countedOptions);

        // Warm-up (JIT, connections, Azurite): a few due orders swept and scanned unmeasured; they stay in the data.
        await SeedAsync(storage, fixture, round: 0, WarmupOrders, WarmupOrders, cancellationToken);
        await SweepAsync(dispatcher, counter, cancellationToken);
        await NaiveScanAsync(naiveOrders, counter, cancellationToken);

        await SeedAsync(storage, fixture, round: 1, options.OrdersSmall - WarmupOrders, options.Due, cancellationToken);
        var smallProbe = await ProbeAsync(storage.Orders, cancellationToken);
        var small = await SweepAsync(dispatcher, counter, cancellationToken);
        var smallNaive = await NaiveScanAsync(naiveOrders, counter, cancellationToken);

        await SeedAsync(storage, fixture, round: 2, options.OrdersLarge - options.OrdersSmall, options.Due, cancellationToken);
        var largeProbe = await ProbeAsync(storage.Orders, cancellationToken);
        var large = await SweepAsync(dispatcher, counter, cancellationToken);
        var largeNaive = await NaiveScanAsync(naiveOrders, counter, cancellationToken);

        var baseline = $"same sweep, {options.Due} due among {options.OrdersSmall:N0} orders";
        var measure = $"{options.Due} due among {options.OrdersLarge:N0} orders";
        results.Add(new ResultRow("sweep", $"indexed sweep time, {measure}", large.Elapsed.TotalSeconds, "s")
        {
            Baseline = baseline,
            BaselineValue = small.Elapsed.TotalSeconds,
            Note = $"outcomes small: {small.Outcomes}; large: {large.Outcomes}",
        });
        results.Add(new ResultRow("sweep", $"indexed sweep storage requests, {measure}", large.Requests, "requests")
        {
            Baseline = baseline,
            BaselineValue = small.Requests,
        });
        results.Add(new ResultRow("sweep", $"emulator one-partition query latency, {options.OrdersLarge:N0} orders", largeProbe, "ms")
        {
            Baseline = $"same among {options.OrdersSmall:N0} orders",
            BaselineValue = smallProbe,
            Note = $"mean of {ProbeRequests} queries for one order's reminder rows, one at a time, just before each sweep; "
                + "Azurite answers every query by scanning the whole table, Azure Table storage by the partition's index",
        });
        var naiveBaseline = $"same scan among {options.OrdersSmall:N0} orders";
        results.Add(new ResultRow("sweep", $"naive $filter scan time, {options.OrdersLarge:N0} orders", largeNaive.Elapsed.TotalSeconds, "s")
        {
            Baseline = naiveBaseline,
            BaselineValue = smallNaive.Elapsed.TotalSeconds,
            Note = $"only finds candidates ({smallNaive.Found:N0} and {largeNaive.Found:N0} pending orders), dispatches nothing",
        });
        results.Add(new ResultRow("sweep", $"naive $filter scan storage requests, {options.OrdersLarge:N0} orders", largeNaive.Requests, "requests")
        {
            Baseline = naiveBaseline,
            BaselineValue = smallNaive.Requests,
        });
        results.Note($"sweep: each stored order has the app's rows for order.created (event, order, 4 reminders, 5 timeline rows) and 4 index entries; "
            + $"the naive scan is `RowKey eq 'order' and State eq 'pending_payment'` over the Orders table, 1,000 per page.");
        var emulatorExtra = TimeSpan.FromMilliseconds(large.TableQueries * largeProbe - small.TableQueries * smallProbe);
        results.Note($"sweep: both sweeps made the same requests ({large.Requests}, of them {large.TableQueries} one-partition queries); "
            + $"the emulator's slower queries account for about {emulatorExtra.TotalSeconds:0.00} s of the large sweep's extra "
            + $"{(large.Elapsed - small.Elapsed).TotalSeconds:0.00} s; without them the ratio would be about {(large.Elapsed - emulatorExtra) / small.Elapsed:0.00}.");
        results.Note($"sweep: default sizes ({BenchmarkOptions.DefaultDue} due among {BenchmarkOptions.DefaultOrdersSmall:N0} / {BenchmarkOptions.DefaultOrdersLarge:N0} orders) are smaller than the issue's 1,000 due among 10,000 / 100,000 orders "
            + "because seeding Azurite gets slower with every row stored (defaults chosen to fit 5 minutes on 2 cores); "
            + "for the issue's sizes: --orders-small 10000 --orders-large 100000 --due 1000 (hours on Azurite).");
        if (large.Enqueued != options.Due || small.Enqueued != options.Due)
        {
            results.Note($"sweep: expected {options.Due} enqueued per sweep; small {small.Outcomes}, large {large.Outcomes}");
        }
    }

    /// <summary>
    /// Mean milliseconds of the query for a random stored order's reminder rows (one partition, as
    /// OrderStore.ReadRemindersAsync asks, once per dispatch), one at a time.
    /// </summary>
    private static async Task<double> ProbeAsync(TableClient orders, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        await foreach (var entity in orders.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {OrderRows.OrderKey}"), maxPerPage: 1000, select: ["PartitionKey"], cancellationToken: cancellationToken))
        {
            ids.Add(entity.PartitionKey);
            if (ids.Count == 1000) break;
        }
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < ProbeRequests; i++)
        {
            var orderId = ids[Random.Shared.Next(ids.Count)];
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {orderId} and RowKey ge {OrderRows.ReminderPrefix} and RowKey lt {"reminder}"}");
            await foreach (var _ in orders.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
            }
        }
        return watch.Elapsed.TotalMilliseconds / ProbeRequests;
    }

    private sealed record SweepRun(TimeSpan Elapsed, long Requests, long TableQueries, int Enqueued, string Outcomes);

    private sealed record NaiveRun(TimeSpan Elapsed, long Requests, int Found);

    private static async Task<SweepRun> SweepAsync(ReminderDispatcher dispatcher, RequestCounter counter, CancellationToken cancellationToken)
    {
        using var scope = counter.Measure();
        var watch = Stopwatch.StartNew();
        var outcomes = await dispatcher.SweepAsync(Sweep.PaymentDue, cancellationToken);
        watch.Stop();
        var text = string.Join(", ", outcomes.Where(o => o.Value > 0).Select(o => $"{o.Value} {o.Key.ToString().ToLowerInvariant()}"));
        Console.WriteLine($"sweep: {watch.Elapsed.TotalSeconds:0.00} s, {scope.Requests} requests, {text}");
        return new SweepRun(watch.Elapsed, scope.Requests, scope.TableQueries, outcomes[DispatchOutcome.Enqueued], text);
    }

    private static async Task<NaiveRun> NaiveScanAsync(TableClient orders, RequestCounter counter, CancellationToken cancellationToken)
    {
        using var scope = counter.Measure();
        var watch = Stopwatch.StartNew();
        var found = 0;
        var filter = TableClient.CreateQueryFilter($"RowKey eq {OrderRows.OrderKey} and State eq {"pending_payment"}");
        await foreach (var _ in orders.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken)) found++;
        watch.Stop();
        Console.WriteLine($"naive scan: {watch.Elapsed.TotalSeconds:0.00} s, {scope.Requests} requests, {found} found");
        return new NaiveRun(watch.Elapsed, scope.Requests, found);
    }

    /// <summary>
    /// Writes <paramref name="count"/> orders as the app would have stored them for order.created: <paramref name="due"/>
    /// of them created an hour ago (their first payment reminder came due 30 minutes ago), the rest created now.
    /// </summary>
    private async Task SeedAsync(ReminderStorage storage, OrderFixture fixture, int round, int count, int due, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var now = time.GetUtcNow();
        var index = new System.Collections.Concurrent.ConcurrentBag<IndexEntry>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = SeedConcurrency, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var isDue = i < due;
                var order = fixture.Build(
                    $"W{round}-{i:D7}",
                    isDue ? $"bd-{round}-{i}" : $"bn-{i % 1000}",
                    isDue ? now.AddHours(-1) : now,
                    now);
                await storage.Orders.SubmitTransactionAsync(order.Rows, ct);
                foreach (var entry in order.Index) index.Add(entry);
            });
        var batches = index
            .GroupBy(e => e.PartitionKey)
            .SelectMany(partition => partition.Chunk(100))
            .ToList();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = SeedConcurrency, CancellationToken = cancellationToken },
            async (batch, ct) => await storage.Index.SubmitTransactionAsync(
                batch.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, OrderFixture.IndexEntity(e))), ct));
        Console.WriteLine($"sweep: seeded {count:N0} orders ({due} due) and {index.Count:N0} index entries in {watch.Elapsed.TotalSeconds:0.0} s");
    }
}
