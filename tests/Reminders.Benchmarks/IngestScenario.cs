using Azure.Data.Tables;
using Microsoft.AspNetCore.TestHost;
using Reminders.App.Orders;
using Reminders.TestSupport;

namespace Reminders.Benchmarks;

/// <summary>
/// Ingest and memory: signed order.created webhooks through the real HTTP pipeline of the app running as a child
/// process, next to the same storage writes (one entity group transaction per event with the app's rows) issued
/// directly at the same concurrency; the app's working set while idle and at its peak during ingest.
/// </summary>
public sealed class IngestScenario(BenchmarkOptions options, ResultSet results, TimeProvider time)
{
    private const double Megabyte = 1024 * 1024;

    public async Task RunAsync(bool reportIngest, bool reportMemory, CancellationToken cancellationToken)
    {
        if (reportIngest) await CountRequestsAsync(cancellationToken);

        var runId = Guid.NewGuid().ToString("N")[..6];
        var fixture = new OrderFixture();
        var secrets = new RunSecrets();
        using var azurite = Repository.StartAzurite();
        var appDll = options.AppDll ?? Repository.DefaultAppDll;
        Console.WriteLine($"ingest: starting {appDll}");
        await using var app = await AppProcess.StartAsync(appDll, secrets.AppSettings(azurite.ConnectionString), cancellationToken);

        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        long idle = 0;
        for (var i = 0; i < 10; i++)
        {
            idle = Math.Max(idle, app.WorkingSet());
            await Task.Delay(100, cancellationToken);
        }

        using var http = WebhookClient.CreateHttpClient(app.BaseAddress);
        var webhooks = new WebhookClient(http, secrets.OrdersKey, time);
        var raw = new TableClient(azurite.ConnectionString, ReminderStorage.OrdersTable);
        var rawIndex = new TableClient(azurite.ConnectionString, ReminderStorage.IndexTable);
        await raw.CreateIfNotExistsAsync(cancellationToken);
        await rawIndex.CreateIfNotExistsAsync(cancellationToken);

        var sample = fixture.Build("R-rows", "b", time.GetUtcNow(), time.GetUtcNow());
        var rowsPerEvent = sample.Rows.Count;
        var rawRequestsPerEvent = OrderFixture.IndexTransactions(sample.Index).Count() + 1;
        var appOrder = 0;
        var rawOrder = 0;
        Task PostWebhook(int _, CancellationToken ct)
        {
            var n = Interlocked.Increment(ref appOrder);
            return webhooks.PostOrderEventAsync(OrderFixture.OrderCreatedBody($"I-{runId}-{n:D7}", $"b-{n % 5000}", time.GetUtcNow()), ct);
        }
        // The same storage requests the app makes for a new order, issued directly: the index entries, then the order's rows.
        async Task WriteRaw(int _, CancellationToken ct)
        {
            var n = Interlocked.Increment(ref rawOrder);
            var now = time.GetUtcNow();
            var order = fixture.Build($"R-{runId}-{n:D7}", $"b-{n % 5000}", now, now);
            foreach (var batch in OrderFixture.IndexTransactions(order.Index)) await rawIndex.SubmitTransactionAsync(batch, ct);
            await raw.SubmitTransactionAsync(order.Rows, ct);
        }

        Console.WriteLine($"ingest: warm-up ({options.IngestWarmup} of each)");
        await Load.RunAsync(options.IngestWarmup, 4, PostWebhook, cancellationToken);
        await Load.RunAsync(options.IngestWarmup, 4, WriteRaw, cancellationToken);

        long peakSampled;
        await using (var sampler = new WorkingSetSampler(app.WorkingSet, TimeSpan.FromMilliseconds(50)))
        {
            foreach (var concurrency in options.Concurrency)
            {
                var rawResult = await Load.RunAsync(options.IngestRequests, concurrency, WriteRaw, cancellationToken);
                var appResult = await Load.RunAsync(options.IngestRequests, concurrency, PostWebhook, cancellationToken);
                if (!reportIngest) continue;
                var baseline = $"raw: index transaction + order transaction ({rowsPerEvent} rows) issued directly, c={concurrency}";
                var measured = concurrency == 32;
                results.Add(new ResultRow("ingest", $"signed webhooks/s, concurrency {concurrency}", appResult.PerSecond, "/s")
                {
                    Id = measured ? "ingest.rate_ratio_c32" : null,
                    Baseline = baseline,
                    BaselineValue = rawResult.PerSecond,
                    Goal = measured ? ">= 0.8" : null,
                    GoalOn = GoalTarget.Ratio,
                    Note = $"{options.IngestRequests} order.created webhooks, each answered 200 after its event is stored",
                });
                results.Add(new ResultRow("ingest", $"p50 latency, concurrency {concurrency}", appResult.P50, "ms") { Baseline = baseline, BaselineValue = rawResult.P50 });
                results.Add(new ResultRow("ingest", $"p99 latency, concurrency {concurrency}", appResult.P99, "ms")
                {
                    Id = measured ? "ingest.p99_ratio_c32" : null,
                    Baseline = baseline,
                    BaselineValue = rawResult.P99,
                    Goal = measured ? "<= 2" : null,
                    GoalOn = GoalTarget.Ratio,
                });
            }
            peakSampled = sampler.Peak;
        }

        if (reportMemory)
        {
            results.Add(new ResultRow("memory", "app working set, peak during ingest", peakSampled / Megabyte, "MB")
            {
                Id = "memory.peak_mb",
                Goal = "<= 200",
                Baseline = "idle app (started, healthy, no traffic)",
                BaselineValue = idle / Megabyte,
                Note = $"sampled every 50 ms during ingest at concurrency {string.Join(", ", options.Concurrency)}; "
                    + $"the OS peak over the process's life (PeakWorkingSet64) was {app.PeakWorkingSet() / Megabyte:0} MB",
            });
        }
    }

    /// <summary>
    /// Storage requests per webhook, counted on the app in-process (the counting policy on its storage clients): new
    /// orders, and the same webhooks sent again (answered from the dedupe row).
    /// </summary>
    private async Task CountRequestsAsync(CancellationToken cancellationToken)
    {
        var fixture = new OrderFixture();
        var secrets = new RunSecrets();
        var counter = new RequestCounter();
        using var azurite = Repository.StartAzurite();
        var settings = secrets.AppSettings(azurite.ConnectionString);
        foreach (var sweep in Enum.GetNames<Sweep>()) settings[$"Sweeps__{sweep}__Schedule"] = "0 0 0 1 1 *";
        await using var app = new InProcessApp(settings, counter);
        // The request's handling runs on the test server; the counting scope must flow into it.
        app.Server.PreserveExecutionContext = true;
        using var http = app.CreateClient();
        var webhooks = new WebhookClient(http, secrets.OrdersKey, time);
        var count = Math.Min(options.IngestRequests, 200);
        for (var i = 0; i < 10; i++) await webhooks.PostOrderEventAsync(OrderFixture.OrderCreatedBody($"C-warm-{i}", "b", time.GetUtcNow()), cancellationToken);

        var bodies = Enumerable.Range(0, count).Select(i => (Id: $"msg_count_{i}", Body: OrderFixture.OrderCreatedBody($"C-{i:D7}", $"b-{i}", time.GetUtcNow()))).ToList();
        long created, replayed;
        string createdKinds;
        using (var scope = counter.Measure())
        {
            foreach (var (id, body) in bodies) await webhooks.PostOrderEventAsync(body, cancellationToken, id);
            created = scope.Requests;
            createdKinds = scope.ByKind;
        }
        using (var scope = counter.Measure())
        {
            foreach (var (id, body) in bodies) await webhooks.PostOrderEventAsync(body, cancellationToken, id);
            replayed = scope.Requests;
        }
        var sample = fixture.Build("R-rows", "b", time.GetUtcNow(), time.GetUtcNow());
        results.Add(new ResultRow("ingest", "storage requests per accepted new-order webhook", (double)created / count, "requests")
        {
            Id = "ingest.requests_per_event",
            Baseline = $"raw: the same rows written directly ({sample.Rows.Count} order rows, {sample.Index.Count} index entries)",
            BaselineValue = OrderFixture.IndexTransactions(sample.Index).Count() + 1,
            Goal = "<= 2",
            Note = $"{count} order.created webhooks one at a time, counted in-process: {createdKinds}; the same webhooks sent again: "
                + $"{(double)replayed / count:0.00} requests each",
        });
    }
}
