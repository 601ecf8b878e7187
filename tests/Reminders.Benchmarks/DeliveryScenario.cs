using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Data.Tables;
using Reminders.App.Dispatch;
using Reminders.App.Orders;
using Reminders.Core.Notifications;
using Reminders.TestSupport;

namespace Reminders.Benchmarks;

/// <summary>
/// Delivery: SMS reminders from the reminders-sms queue to a stub Twilio that answers after a fixed delay, through
/// the app running as a child process, at the host.json queue settings and at batchSize 32. The ideal rate is set
/// by how many messages the queue listener keeps in flight (batchSize + newBatchThreshold) over the provider delay.
/// </summary>
public sealed class DeliveryScenario(BenchmarkOptions options, ResultSet results, TimeProvider time)
{
    private const int SeedConcurrency = 4;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var appDll = options.AppDll ?? Repository.DefaultAppDll;
        var fixture = new OrderFixture();
        var secrets = new RunSecrets();
        using var azurite = Repository.StartAzurite();
        await using var provider = await StubSmsProvider.StartAsync(options.ProviderDelay, cancellationToken);
        var host = HostQueueSettings.Read(Path.Combine(Repository.Root, "host.json"));

        var settings = secrets.AppSettings(azurite.ConnectionString);
        settings["Channels__Sms__Provider"] = "twilio";
        settings["Channels__Sms__Twilio__BaseUrl"] = provider.BaseUrl.ToString();
        settings["Channels__Sms__Twilio__AccountSid"] = "AC" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        settings["Channels__Sms__Twilio__AuthToken"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        settings["Channels__Sms__Twilio__From"] = "+15005550006";
        settings["Reminders__QuietHours__Start"] = "00:00";
        settings["Reminders__QuietHours__End"] = "00:00";
        foreach (var sweep in Enum.GetNames<Sweep>()) settings[$"Sweeps__{sweep}__Schedule"] = "0 0 0 1 1 *";

        var runs = new (string Name, int BatchSize, int Threshold, Dictionary<string, string> Settings)[]
        {
            ($"host.json (batchSize {host.BatchSize}, newBatchThreshold {host.NewBatchThreshold})", host.BatchSize, host.NewBatchThreshold, settings),
            ($"batchSize 32 (newBatchThreshold {host.ThresholdFor(32)})", 32, host.ThresholdFor(32),
                new Dictionary<string, string>(settings) { ["AzureFunctionsJobHost__extensions__queues__batchSize"] = "32" }),
        };
        for (var i = 0; i < runs.Length; i++)
        {
            var (name, batchSize, threshold, runSettings) = runs[i];
            await SeedAsync(azurite.ConnectionString, fixture, $"D{i}", options.DeliveryMessages, cancellationToken);
            provider.Reset();
            Console.WriteLine($"delivery: {name}: starting the app");
            await using var app = await AppProcess.StartAsync(appDll, runSettings, cancellationToken);
            var delivered = await WaitForAsync(provider, options.DeliveryMessages, cancellationToken);
            if (delivered is null)
            {
                results.Note($"delivery: {name}: the stub provider got {provider.Count} of {options.DeliveryMessages} messages in time; "
                    + $"last app output:{Environment.NewLine}{app.LastOutput()}");
                continue;
            }
            var inFlight = batchSize + threshold;
            var ideal = inFlight / options.ProviderDelay.TotalSeconds;
            results.Add(new ResultRow("delivery", $"SMS notifications/s, {name}", delivered.Value, "/s")
            {
                Baseline = $"ideal: {inFlight} in flight / {options.ProviderDelay.TotalMilliseconds:0} ms provider delay",
                BaselineValue = ideal,
                Note = $"{options.DeliveryMessages} reminders, rate after the first 10%; most requests the provider held at once: {provider.MaxInFlight}",
            });
        }
    }

    /// <summary>Rate from the 10th percentile arrival to the last, once all have arrived; null if they do not within the time allowed.</summary>
    private static async Task<double?> WaitForAsync(StubSmsProvider provider, int expected, CancellationToken cancellationToken)
    {
        var allowed = Stopwatch.StartNew();
        var lastCount = -1;
        var lastProgress = Stopwatch.StartNew();
        while (provider.Count < expected)
        {
            var count = provider.Count;
            if (count != lastCount)
            {
                lastCount = count;
                lastProgress.Restart();
            }
            // Generous: the app has to start, and then must keep making progress.
            if (lastProgress.Elapsed > TimeSpan.FromSeconds(count == 0 ? 60 : 30) || allowed.Elapsed > TimeSpan.FromMinutes(10)) return null;
            await Task.Delay(100, cancellationToken);
        }
        var arrivals = provider.Arrivals();
        var from = expected / 10;
        var seconds = Stopwatch.GetElapsedTime(arrivals[from], arrivals[expected - 1]).TotalSeconds;
        return seconds > 0 ? (expected - 1 - from) / seconds : null;
    }

    /// <summary>
    /// Stores <paramref name="count"/> pending orders whose first payment reminder the dispatcher has put on the SMS
    /// queue: the order's rows, the reminder row as the dispatcher leaves it (enqueued, sms, attempt 1) and its message.
    /// </summary>
    private async Task SeedAsync(string connectionString, OrderFixture fixture, string prefix, int count, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var orders = new TableClient(connectionString, ReminderStorage.OrdersTable);
        var queue = TestStorage.Queues(connectionString).GetQueueClient(QueueNames.Sms);
        await orders.CreateIfNotExistsAsync(cancellationToken);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var now = time.GetUtcNow();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = SeedConcurrency, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var orderId = $"{prefix}-{i:D7}";
                var order = fixture.Build(orderId, $"bd-{prefix}-{i}", now.AddHours(-1), now);
                var rows = order.Rows.ToList();
                var first = rows.FindIndex(a => a.Entity.RowKey.StartsWith(OrderRows.ReminderPrefix, StringComparison.Ordinal)
                    && ReminderRow.FromEntity((TableEntity)a.Entity) is { Kind: ReminderKind.PaymentDue, Step: 1 });
                var reminder = ReminderRow.FromEntity((TableEntity)rows[first].Entity) with
                {
                    Status = ReminderStatus.Enqueued,
                    Channel = Channel.Sms,
                    Attempt = 1,
                    ClaimedAt = now,
                    EnqueuedAt = now,
                };
                rows[first] = new TableTransactionAction(rows[first].ActionType, reminder.ToEntity());
                await orders.SubmitTransactionAsync(rows, ct);
                await queue.SendMessageAsync(new ReminderMessage(orderId, reminder.ReminderId, reminder.Attempt).ToJson(), cancellationToken: ct);
            });
        Console.WriteLine($"delivery: seeded {count:N0} enqueued SMS reminders in {watch.Elapsed.TotalSeconds:0.0} s");
    }
}

/// <summary>host.json extensions.queues batchSize and newBatchThreshold, with the Functions host's defaults.</summary>
public sealed record HostQueueSettings(int BatchSize, int? ConfiguredThreshold)
{
    public int NewBatchThreshold => ThresholdFor(BatchSize);

    /// <summary>newBatchThreshold from host.json, or the host's default batchSize / 2 × processors.</summary>
    public int ThresholdFor(int batchSize) => ConfiguredThreshold ?? batchSize / 2 * Environment.ProcessorCount;

    public static HostQueueSettings Read(string hostJsonPath)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(hostJsonPath), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        var queues = document.RootElement.TryGetProperty("extensions", out var extensions) && extensions.TryGetProperty("queues", out var q) ? q : default;
        int? Int(string name) =>
            queues.ValueKind == JsonValueKind.Object && queues.TryGetProperty(name, out var value)
                ? value.ValueKind == JsonValueKind.Number ? value.GetInt32() : int.Parse(value.GetString()!, CultureInfo.InvariantCulture)
                : null;
        return new HostQueueSettings(Int("batchSize") ?? 16, Int("newBatchThreshold"));
    }
}
