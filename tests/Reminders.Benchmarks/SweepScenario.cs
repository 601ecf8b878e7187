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
    private const int SeedConcurrency = 16;
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
        var store = app.Services.GetRequiredService<OrderStore>();
        await storage.CreateAllAsync(cancellationToken);
        var countedOptions = new TableClientOptions();
        countedOptions.AddPolicy(counter, Azure.Core.HttpPipelinePosition.PerRetry);
        var naiveOrders = new TableClient(azurite.ConnectionString, ReminderStorage.OrdersTable, countedOptions);

        // Warm-up (JIT, connections, Azurite): a few due orders swept and scanned unmeasured; they stay in the data.
        await SeedAsync(storage, store, fixture, round: 0, WarmupOrders, WarmupOrders, cancellationToken);
        await SweepAsync(dispatcher, counter, cancellationToken);
        await NaiveScanAsync(naiveOrders, counter, cancellationToken);

        var seeding = Stopwatch.StartNew();
        var finishedSmall = await SeedAsync(storage, store, fixture, round: 1, options.OrdersSmall - WarmupOrders, options.Due, cancellationToken);
        seeding.Stop();
        var smallIndex = await CountIndexAsync(storage, cancellationToken);
        var smallProbe = await ProbeAsync(storage.Orders, cancellationToken);
        var small = await SweepAsync(dispatcher, counter, cancellationToken);
        var smallNaive = await NaiveScanAsync(naiveOrders, counter, cancellationToken);

        seeding.Start();
        var finishedLarge = await SeedAsync(storage, store, fixture, round: 2, options.OrdersLarge - options.OrdersSmall, options.Due, cancellationToken);
        seeding.Stop();
        var largeIndex = await CountIndexAsync(storage, cancellationToken);
        var largeProbe = await ProbeAsync(storage.Orders, cancellationToken);
        var large = await SweepAsync(dispatcher, counter, cancellationToken);
        var largeNaive = await NaiveScanAsync(naiveOrders, counter, cancellationToken);

        var baseline = $"same sweep, {options.Due:N0} due among {options.OrdersSmall:N0} orders";
        var measure = $"{options.Due:N0} due among {options.OrdersLarge:N0} orders";
        results.Add(new ResultRow("sweep", $"storage requests per due reminder, {measure}", (double)large.Requests / options.Due, "requests")
        {
            Id = "sweep.requests_per_due",
            Baseline = baseline,
            BaselineValue = (double)small.Requests / options.Due,
            Goal = "<= 3",
            Note = $"by request: {large.ByKind}",
        });
        results.Add(new ResultRow("sweep", $"indexed sweep storage requests, {measure}", large.Requests, "requests")
        {
            Id = "sweep.requests_ratio",
            Baseline = baseline,
            BaselineValue = small.Requests,
            Goal = "1.00",
            GoalOn = GoalTarget.Ratio,
        });
        results.Add(new ResultRow("sweep", $"indexed sweep time, {measure}", large.Elapsed.TotalSeconds, "s")
        {
            Id = "sweep.time_ratio",
            Baseline = baseline,
            BaselineValue = small.Elapsed.TotalSeconds,
            Goal = "<= 1.2",
            GoalOn = GoalTarget.Ratio,
            Note = $"outcomes small: {small.Outcomes}; large: {large.Outcomes}",
        });
        results.Add(new ResultRow("sweep", $"due-time index entries of the {finishedSmall + finishedLarge} finished orders placed and cancelled through the app", largeIndex.Finished, "entries")
        {
            Baseline = "all index entries (pending reminders of the pending orders)",
            BaselineValue = largeIndex.Total,
            Note = $"counted just before the large sweep (before the small one: {smallIndex.Finished} of {smallIndex.Total}); "
                + "the index holds pending reminders only, so finished orders cost a sweep nothing",
        });
        results.Add(new ResultRow("sweep", $"emulator one-partition query latency, {options.OrdersLarge:N0} orders", largeProbe, "ms")
        {
            Baseline = $"same among {options.OrdersSmall:N0} orders",
            BaselineValue = smallProbe,
            Note = $"mean of {ProbeRequests} queries for one order's rows, one at a time, just before each sweep; "
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
        results.Note($"sweep: of each seeded set, the due orders and as many more (pending, due later) have the app's rows for order.created "
            + "(event, order, 4 reminders, 5 timeline rows) and their index entries; the rest are finished: "
            + $"{finishedSmall} and {finishedSmall + finishedLarge} of them placed and cancelled through the app's order store, which leaves no index entries "
            + "(the index count above), the others counted but not written (the sweep reads no partition of theirs; Azurite's insert check "
            + "scans every row with RowKey 'order', so writing 100,000 would take half an hour); the naive scan is `RowKey eq 'order' and State eq 'pending_payment'` over the Orders table, 1,000 per page; "
            + $"seeding took {seeding.Elapsed.TotalSeconds:0} s.");
        var emulatorExtra = TimeSpan.FromMilliseconds(large.TableQueries * largeProbe - small.TableQueries * smallProbe);
        results.Note($"sweep: the large sweep made {large.Requests} requests ({large.TableQueries} of them queries), the small one {small.Requests} ({small.TableQueries}); "
            + $"the emulator's slower queries account for about {emulatorExtra.TotalSeconds:0.00} s of the large sweep's extra "
            + $"{(large.Elapsed - small.Elapsed).TotalSeconds:0.00} s; without them the time ratio would be about {(large.Elapsed - emulatorExtra) / small.Elapsed:0.00}.");
        if (large.Enqueued != options.Due || small.Enqueued != options.Due)
        {
            results.Note($"sweep: expected {options.Due} enqueued per sweep; small {small.Outcomes}, large {large.Outcomes}");
        }
    }

    private static async Task<(int Total, int Finished)> CountIndexAsync(ReminderStorage storage, CancellationToken cancellationToken)
    {
        var (total, finished) = (0, 0);
        await foreach (var entity in storage.Index.QueryAsync<TableEntity>(select: ["OrderId"], maxPerPage: 1000, cancellationToken: cancellationToken))
        {
            total++;
            if (entity.GetString("OrderId")?.StartsWith('F') == true) finished++;
        }
        return (total, finished);
    }

    /// <summary>
    /// Mean milliseconds of the query for a random stored order's reminder rows (one partition, as
    /// OrderStore.ReadForDispatchAsync asks, once per dispatch), one at a time.
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

    private sealed record SweepRun(TimeSpan Elapsed, long Requests, long TableQueries, int Enqueued, string Outcomes, string ByKind);

    private sealed record NaiveRun(TimeSpan Elapsed, long Requests, int Found);

    private static async Task<SweepRun> SweepAsync(ReminderDispatcher dispatcher, RequestCounter counter, CancellationToken cancellationToken)
    {
        using var scope = counter.Measure();
        var watch = Stopwatch.StartNew();
        var outcomes = await dispatcher.SweepAsync(Sweep.PaymentDue, cancellationToken);
        watch.Stop();
        var text = string.Join(", ", outcomes.Where(o => o.Value > 0).Select(o => $"{o.Value} {o.Key.ToString().ToLowerInvariant()}"));
        Console.WriteLine($"sweep: {watch.Elapsed.TotalSeconds:0.00} s, {scope.Requests} requests ({scope.ByKind}), {text}");
        return new SweepRun(watch.Elapsed, scope.Requests, scope.TableQueries, outcomes[DispatchOutcome.Enqueued], text, scope.ByKind);
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
    /// Stores <paramref name="count"/> orders: <paramref name="due"/> created an hour ago (their first payment reminder
    /// came due 30 minutes ago) and as many created now (pending, due later), written directly in the app's layout (one
    /// entity group transaction per order, each its own partition; their index entries in transactions of up to 100
    /// per index partition); the rest finished. Of the finished ones, a sample goes through the app's own order store
    /// (order.created, then order.cancelled), so the index count shows what finished orders leave there; the others
    /// are not written: the sweep reads no partition of theirs, and Azurite checks each insert against every row with
    /// the same RowKey ("order"), which would make 100,000 of them take half an hour to seed.
    /// </summary>
    private async Task<int> SeedAsync(ReminderStorage storage, OrderStore store, OrderFixture fixture, int round, int count, int due, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var now = time.GetUtcNow();
        var pending = Math.Min(count, 2 * due);
        var finishedThroughApp = Math.Min(count - pending, options.Quick ? 50 : 200);
        var index = new System.Collections.Concurrent.ConcurrentBag<IndexEntry>();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = SeedConcurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, pending + finishedThroughApp), parallel, async (i, ct) =>
        {
            var orderId = i >= pending ? $"F{round}-{i:D7}" : $"W{round}-{i:D7}";
            if (i >= pending)
            {
                var (created, cancelled) = OrderFixture.PlacedThenCancelled(orderId, $"bf-{i % 1000}", now.AddHours(-2));
                await store.ApplyAsync(created, fixture.Settings, ct);
                await store.ApplyAsync(cancelled, fixture.Settings, ct);
                return;
            }
            var isDue = i < due;
            var order = fixture.Build(orderId, isDue ? $"bd-{round}-{i}" : $"bn-{i % 1000}", isDue ? now.AddHours(-1) : now, now);
            await storage.Orders.SubmitTransactionAsync(order.Rows, ct);
            foreach (var entry in order.Index) index.Add(entry);
        });
        await Parallel.ForEachAsync(OrderFixture.IndexTransactions(index), parallel, async (batch, ct) => await storage.Index.SubmitTransactionAsync(batch, ct));
        Console.WriteLine($"sweep: seeded {count:N0} orders ({due} due, {pending - due:N0} pending, {count - pending:N0} finished, "
            + $"{finishedThroughApp} of them through the order store) and {index.Count:N0} index entries in {watch.Elapsed.TotalSeconds:0.0} s");
        return finishedThroughApp;
    }
}
