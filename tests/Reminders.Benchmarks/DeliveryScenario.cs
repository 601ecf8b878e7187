using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.DependencyInjection;
using Reminders.App.Delivery;
using Reminders.App.Dispatch;
using Reminders.App.Orders;
using Reminders.Core.Notifications;
using Reminders.TestSupport;

namespace Reminders.Benchmarks;

/// <summary>
/// Delivery: SMS reminders from the reminders-sms queue to a stub Twilio that answers after a fixed delay, through the
/// app running as a child process at the host.json queue settings, once per provider delay. The ideal rate is the lower
/// of what the queue listener keeps in flight (batchSize + newBatchThreshold) over the provider delay, and the rate of
/// the send's own storage requests issued directly at that concurrency (same run). The storage requests per send are
/// counted on the app in-process.
/// </summary>
public sealed class DeliveryScenario(BenchmarkOptions options, ResultSet results, TimeProvider time)
{
    private const int SeedConcurrency = 4;
    private const string RawQueue = "raw-sends";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var appDll = options.AppDll ?? Repository.DefaultAppDll;
        var fixture = new OrderFixture();
        var secrets = new RunSecrets();
        using var azurite = Repository.StartAzurite();
        var host = HostQueueSettings.Read(Path.Combine(Repository.Root, "host.json"));
        var inFlight = host.BatchSize + host.NewBatchThreshold;

        await CountRequestsAsync(secrets, fixture, host, cancellationToken);
        var raw = await RawRateAsync(azurite.ConnectionString, fixture, host, inFlight, cancellationToken);

        var name = $"host.json (batchSize {host.BatchSize}, newBatchThreshold {host.NewBatchThreshold})";
        var runs = new List<ResultRow>();
        for (var i = 0; i < options.ProviderDelays.Count; i++)
        {
            var delay = options.ProviderDelays[i];
            await using var provider = await StubSmsProvider.StartAsync(delay, cancellationToken);
            var settings = Settings(secrets, azurite.ConnectionString, provider);
            await SeedAsync(azurite.ConnectionString, fixture, $"D{i}", options.DeliveryMessages, cancellationToken);
            Console.WriteLine($"delivery: {name}, provider delay {delay.TotalMilliseconds:0} ms: starting the app");
            await using var app = await AppProcess.StartAsync(appDll, settings, cancellationToken);
            var delivered = await WaitForAsync(provider, options.DeliveryMessages, cancellationToken);
            if (delivered is null)
            {
                results.Note($"delivery: {name}: the stub provider got {provider.Count} of {options.DeliveryMessages} messages in time; "
                    + $"last app output:{Environment.NewLine}{app.LastOutput()}");
                continue;
            }
            var byLimit = inFlight / delay.TotalSeconds;
            var row = new ResultRow("delivery", $"SMS sends/s, {name}, provider delay {delay.TotalMilliseconds:0} ms", delivered.Value, "/s")
            {
                Baseline = byLimit <= raw
                    ? $"ideal: {inFlight} in flight / {delay.TotalMilliseconds:0} ms (raw storage rate {raw:0} /s is higher)"
                    : $"ideal: raw rate of the send's storage requests at {inFlight} in flight (the in-flight limit allows {byLimit:0} /s)",
                BaselineValue = Math.Min(byLimit, raw),
                Note = $"{options.DeliveryMessages} reminders, rate after the first 10%; most requests the provider held at once: {provider.MaxInFlight}",
            };
            runs.Add(row);
            results.Add(row);
        }
        if (runs.Count == options.ProviderDelays.Count && runs.MinBy(r => r.Ratio) is { } lowest)
        {
            results.Add(lowest with
            {
                Id = "delivery.ideal_ratio",
                Goal = ">= 0.85",
                GoalOn = GoalTarget.Ratio,
                Note = $"the lower ratio of the {runs.Count} provider delays ({string.Join(", ", runs.Select(r => $"{ResultSet.Format(r.Ratio ?? 0)}"))})",
            });
        }
    }

    private static Dictionary<string, string> Settings(RunSecrets secrets, string connectionString, StubSmsProvider provider)
    {
        var settings = secrets.AppSettings(connectionString);
        settings["Channels__Sms__Provider"] = "twilio";
        settings["Channels__Sms__Twilio__BaseUrl"] = provider.BaseUrl.ToString();
        settings["Channels__Sms__Twilio__AccountSid"] = "AC" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        settings["Channels__Sms__Twilio__AuthToken"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        settings["Channels__Sms__Twilio__From"] = "+15005550006";
        settings["Reminders__QuietHours__Start"] = "00:00";
        settings["Reminders__QuietHours__End"] = "00:00";
        foreach (var sweep in Enum.GetNames<Sweep>()) settings[$"Sweeps__{sweep}__Schedule"] = "0 0 0 1 1 *";
        return settings;
    }

    /// <summary>
    /// Storage requests per reminder sent, on the app in-process: messages received in batches of batchSize (as the
    /// host does), each delivered by ReminderDelivery and deleted; every request counted, dequeue and delete included.
    /// </summary>
    private async Task CountRequestsAsync(RunSecrets secrets, OrderFixture fixture, HostQueueSettings host, CancellationToken cancellationToken)
    {
        using var azurite = Repository.StartAzurite();
        await using var provider = await StubSmsProvider.StartAsync(TimeSpan.Zero, cancellationToken);
        var counter = new RequestCounter();
        await using var app = new InProcessApp(Settings(secrets, azurite.ConnectionString, provider), counter);
        await app.Services.GetRequiredService<ReminderStorage>().CreateAllAsync(cancellationToken);
        var delivery = app.Services.GetRequiredService<ReminderDelivery>();
        var queue = app.Services.GetRequiredService<QueueServiceClient>().GetQueueClient(QueueNames.Sms);
        var count = Math.Min(options.DeliveryMessages, 200);
        await SeedAsync(azurite.ConnectionString, fixture, "C", count, cancellationToken);
        var sent = 0;
        string byKind;
        long requests;
        using (var scope = counter.Measure())
        {
            while (true)
            {
                var batch = (await queue.ReceiveMessagesAsync(host.BatchSize, cancellationToken: cancellationToken)).Value;
                if (batch.Length == 0) break;
                foreach (var message in batch)
                {
                    if (await delivery.DeliverAsync(Channel.Sms, message, cancellationToken) == DeliveryOutcome.Sent) sent++;
                    await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                }
            }
            requests = scope.Requests;
            byKind = scope.ByKind;
        }
        results.Add(new ResultRow("delivery", "storage requests per reminder sent", sent == 0 ? 0 : (double)requests / sent, "requests")
        {
            Id = "delivery.requests_per_send",
            Baseline = "goal (issue #13)",
            BaselineValue = 4,
            Goal = "<= 4",
            Note = $"{sent} of {count} reminders sent in-process, received {host.BatchSize} at a time: {byKind}",
        });
    }

    /// <summary>
    /// The storage requests of one send issued directly by <paramref name="inFlight"/> workers, messages received in
    /// batches of batchSize: the query for the order and reminder rows, the buyer's profile and the contact's opt-out
    /// (side by side), the claim, the record (row and timeline entry in one transaction) and the message's delete.
    /// </summary>
    private async Task<double> RawRateAsync(string connectionString, OrderFixture fixture, HostQueueSettings host, int inFlight, CancellationToken cancellationToken)
    {
        var count = options.DeliveryMessages;
        var orders = new TableClient(connectionString, ReminderStorage.OrdersTable);
        var buyers = new TableClient(connectionString, ReminderStorage.BuyersTable);
        await buyers.CreateIfNotExistsAsync(cancellationToken);
        var queue = TestStorage.Queues(connectionString).GetQueueClient(RawQueue);
        await SeedAsync(connectionString, fixture, "R", count, cancellationToken, queue);

        var work = System.Threading.Channels.Channel.CreateBounded<QueueMessage>(host.BatchSize);
        var watch = Stopwatch.StartNew();
        var receiver = Task.Run(async () =>
        {
            var received = 0;
            while (received < count)
            {
                var batch = (await queue.ReceiveMessagesAsync(host.BatchSize, cancellationToken: cancellationToken)).Value;
                foreach (var message in batch) await work.Writer.WriteAsync(message, cancellationToken);
                received += batch.Length;
            }
            work.Writer.Complete();
        }, cancellationToken);
        var workers = Enumerable.Range(0, inFlight).Select(_ => Task.Run(async () =>
        {
            await foreach (var message in work.Reader.ReadAllAsync(cancellationToken))
            {
                var parsed = ReminderMessage.TryParse(message.Body.ToString())!;
                TableEntity? row = null;
                var filter = TableClient.CreateQueryFilter(
                    $"PartitionKey eq {parsed.OrderId} and (RowKey eq {OrderRows.OrderKey} or RowKey eq {OrderRows.ReminderKey(parsed.ReminderId)})");
                await foreach (var entity in orders.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
                {
                    if (entity.RowKey != OrderRows.OrderKey) row = entity;
                }
                await Task.WhenAll(
                    buyers.GetEntityIfExistsAsync<TableEntity>($"bd-{parsed.OrderId}", "profile", cancellationToken: cancellationToken),
                    buyers.GetEntityIfExistsAsync<TableEntity>($"contact|sms|{parsed.OrderId}", "optout", ["PartitionKey"], cancellationToken));
                var reminder = ReminderRow.FromEntity(row!);
                var claimed = await orders.UpdateEntityAsync(
                    (reminder with { Status = ReminderStatus.Sending, ClaimedAt = time.GetUtcNow() }).ToEntity(), row!.ETag, TableUpdateMode.Replace, cancellationToken);
                var now = time.GetUtcNow();
                var sent = reminder with { Status = ReminderStatus.Sent, SentAt = now, ETag = claimed.Headers.ETag!.Value };
                await orders.SubmitTransactionAsync(
                [
                    new(TableTransactionActionType.UpdateReplace, sent.ToEntity(), sent.ETag),
                    new(TableTransactionActionType.Add, (TimelineEntry.ForReminder(now, TimelineTypes.Sent, sent) with { Channel = "sms" }).ToEntity(parsed.OrderId, 0, "raw")),
                ], cancellationToken);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
            }
        }, cancellationToken)).ToList();
        await Task.WhenAll(workers.Append(receiver));
        var rate = count / watch.Elapsed.TotalSeconds;
        Console.WriteLine($"delivery: raw storage work of {count} sends at {inFlight} in flight: {rate:0} /s");
        return rate;
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
    private async Task SeedAsync(string connectionString, OrderFixture fixture, string prefix, int count, CancellationToken cancellationToken, QueueClient? queue = null)
    {
        var watch = Stopwatch.StartNew();
        var orders = new TableClient(connectionString, ReminderStorage.OrdersTable);
        queue ??= TestStorage.Queues(connectionString).GetQueueClient(QueueNames.Sms);
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
                await queue!.SendMessageAsync(new ReminderMessage(orderId, reminder.ReminderId, reminder.Attempt).ToJson(), cancellationToken: ct);
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
