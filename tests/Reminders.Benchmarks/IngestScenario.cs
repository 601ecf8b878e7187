using Azure.Data.Tables;
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
        await raw.CreateIfNotExistsAsync(cancellationToken);

        var rowsPerEvent = fixture.Build("R-rows", "b", time.GetUtcNow(), time.GetUtcNow()).Rows.Count;
        var appOrder = 0;
        var rawOrder = 0;
        Task PostWebhook(int _, CancellationToken ct)
        {
            var n = Interlocked.Increment(ref appOrder);
            return webhooks.PostOrderEventAsync(OrderFixture.OrderCreatedBody($"I-{runId}-{n:D7}", $"b-{n % 5000}", time.GetUtcNow()), ct);
        }
        Task WriteRaw(int _, CancellationToken ct)
        {
            var n = Interlocked.Increment(ref rawOrder);
            var now = time.GetUtcNow();
            return raw.SubmitTransactionAsync(fixture.Build($"R-{runId}-{n:D7}", $"b-{n % 5000}", now, now).Rows, ct);
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
                var baseline = $"raw storage transactions ({rowsPerEvent} rows each), c={concurrency}";
                results.Add(new ResultRow("ingest", $"signed webhooks/s, concurrency {concurrency}", appResult.PerSecond, "/s")
                {
                    Baseline = baseline,
                    BaselineValue = rawResult.PerSecond,
                    Note = $"{options.IngestRequests} order.created webhooks, each answered 200 after its event is stored",
                });
                results.Add(new ResultRow("ingest", $"p50 latency, concurrency {concurrency}", appResult.P50, "ms") { Baseline = baseline, BaselineValue = rawResult.P50 });
                results.Add(new ResultRow("ingest", $"p99 latency, concurrency {concurrency}", appResult.P99, "ms") { Baseline = baseline, BaselineValue = rawResult.P99 });
            }
            peakSampled = sampler.Peak;
        }

        if (reportMemory)
        {
            results.Add(new ResultRow("memory", "app working set, peak during ingest", peakSampled / Megabyte, "MB")
            {
                Baseline = "idle app (started, healthy, no traffic)",
                BaselineValue = idle / Megabyte,
                Note = $"sampled every 50 ms during ingest at concurrency {string.Join(", ", options.Concurrency)}; "
                    + $"the OS peak over the process's life (PeakWorkingSet64) was {app.PeakWorkingSet() / Megabyte:0} MB",
            });
        }
    }
}
