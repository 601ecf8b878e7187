using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Reminders.App.Dispatch;
using Reminders.App.Orders;
using Reminders.App.Tests.Support;
using Reminders.Core.Orders;
using Reminders.Core.Planning;
using Reminders.Core.Settings;
using Xunit.Abstractions;

using Reminders.TestSupport;

namespace Reminders.App.Tests.Dispatch;

/// <summary>A sweep's cost follows the number of due reminders, not the number of stored orders.</summary>
public sealed class SweepRequestCountTests(PrivateAzurite azurite, ITestOutputHelper output) : IClassFixture<PrivateAzurite>
{
    private const int Due = 10;

    [Fact]
    public async Task A_sweep_over_10000_orders_makes_as_many_storage_requests_as_one_over_100()
    {
        using var app = new DispatchApp(azurite.ConnectionString);
        using (var timeout = DispatchApp.Timeout())
        {
            await app.Storage.CreateAllAsync(timeout.Token);
        }

        await SeedNotDueAsync(app, 100 - Due);
        var dueAmongHundred = await CreateDueOrdersAsync(app);
        var (hundred, hundredRequests) = await CountedSweepAsync(app);
        Assert.All(dueAmongHundred, orderId => Assert.Single(app.Recorder.SentFor(orderId)));

        await SeedNotDueAsync(app, 10_000 - 100 - Due);
        var dueAmongTenThousand = await CreateDueOrdersAsync(app);
        var (tenThousand, tenThousandRequests) = await CountedSweepAsync(app);
        Assert.All(dueAmongTenThousand, orderId => Assert.Single(app.Recorder.SentFor(orderId)));

        output.WriteLine($"100 orders ({Due} due): {hundredRequests.Count} requests; 10,000 orders ({Due} due): {tenThousandRequests.Count} requests");
        foreach (var group in tenThousandRequests.GroupBy(r => $"{r.Method} {r.Target}").OrderBy(g => g.Key))
        {
            output.WriteLine($"  {group.Key}: {group.Count()}");
        }
        Assert.Equal(Due, hundred[DispatchOutcome.Enqueued]);
        Assert.Equal(Due, tenThousand[DispatchOutcome.Enqueued]);
        Assert.Equal(hundredRequests.Count, tenThousandRequests.Count);
        Assert.Equal(
            hundredRequests.GroupBy(r => $"{r.Method} {r.Target}").ToDictionary(g => g.Key, g => g.Count()),
            tenThousandRequests.GroupBy(r => $"{r.Method} {r.Target}").ToDictionary(g => g.Key, g => g.Count()));
    }

    private static async Task<(IReadOnlyDictionary<DispatchOutcome, int> Outcome, IReadOnlyList<RecordedRequest> Requests)> CountedSweepAsync(DispatchApp app)
    {
        app.Recorder.Clear();
        using (app.Recorder.Counting())
        {
            var outcome = await app.SweepAsync(Sweep.PaymentDue);
            return (outcome, app.Recorder.CountedRequests);
        }
    }

    /// <summary>
    /// Orders placed half an hour ago through the order store: each has its first payment reminder due now. They fall
    /// in the index shards in the same way every time (handled entries are removed in one transaction per shard).
    /// </summary>
    private static async Task<IReadOnlyList<string>> CreateDueOrdersAsync(DispatchApp app)
    {
        var orderIds = Enumerable.Range(0, Due).Select(i => NewOrderIdInShard(i % ReminderIndex.Shards)).ToList();
        foreach (var orderId in orderIds)
        {
            await app.ApplyAsync(TestEvents.Created(orderId, TestEvents.Buyer(TestEvents.NewBuyerId()), app.Time.GetUtcNow().AddMinutes(-31)));
        }
        return orderIds;
    }

    private static string NewOrderIdInShard(int shard)
    {
        while (true)
        {
            var orderId = ReminderAppFactory.NewOrderId();
            if (ReminderIndex.PartitionFor(Sweep.PaymentDue, orderId) == $"{Sweep.PaymentDue}|{shard}") return orderId;
        }
    }

    /// <summary>
    /// Orders placed just now, written straight to the tables: each order's row in its own partition, and the index
    /// entries of its planned reminders in batches per index partition. Nothing of theirs is due for half an hour.
    /// (Their reminder rows are left out: a sweep reads reminder rows only of due entries, and Azurite takes several
    /// times longer for a transaction per order than for a single insert.)
    /// </summary>
    private static async Task SeedNotDueAsync(DispatchApp app, int count)
    {
        var settings = app.Services.GetRequiredService<ReminderSettings>();
        var now = app.Time.GetUtcNow();
        var orders = new List<TableEntity>();
        var index = new List<TableEntity>();
        for (var i = 0; i < count; i++)
        {
            var orderId = ReminderAppFactory.NewOrderId();
            var order = Order.New(orderId).Apply(TestEvents.Created(orderId, TestEvents.Buyer(TestEvents.NewBuyerId()), now));
            var plan = ReminderPlanner.Plan(order, settings);
            Assert.All(plan, p => Assert.True(p.DueAt > now));
            orders.Add(OrderRows.ToEntity(order, now));
            index.AddRange(plan.Select(p => new IndexEntry(ReminderIndex.SweepOf(p.Kind), orderId, p.ReminderId, p.DueAt))
                .Select(ReminderIndex.ToEntity));
        }

        var storage = app.Storage;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = timeout.Token };
        await Parallel.ForEachAsync(orders, parallel, async (entity, ct) => await storage.Orders.AddEntityAsync(entity, ct));
        var batches = index.GroupBy(e => e.PartitionKey).SelectMany(g => g.Chunk(100));
        await Parallel.ForEachAsync(batches, parallel, async (batch, ct) =>
            await storage.Index.SubmitTransactionAsync(batch.Select(e => new TableTransactionAction(TableTransactionActionType.Add, e)), ct));
    }
}
