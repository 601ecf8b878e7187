using System.Diagnostics;

namespace Reminders.Faults;

/// <summary>The five scenarios. Each starts its own Azurite and app instances, injects its fault and counts.</summary>
public sealed class Scenarios(Shared shared, FaultOptions options)
{
    private static readonly string[] AllChannels = ["push", "sms", "email"];
    private const double OrdersPerSecond = 2;

    /// <summary>1: SIGKILL the one instance at random moments while orders come in, sweeps enqueue and senders send.</summary>
    public Task<ScenarioFigures> KillAsync(CancellationToken cancellationToken) =>
        RunAsync(1, "killed process", instances: 1, AllChannels, async (run, stop) =>
        {
            for (var k = 0; k < options.Kills; k++)
            {
                await Task.Delay(RandomDelay(4, 9), cancellationToken);
                await run.KillAndRestartAsync(run.Instances[0], cancellationToken);
            }
            await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
        }, cancellationToken);

    /// <summary>2: two instances on one storage account, the second killed and restarted again and again.</summary>
    public Task<ScenarioFigures> TwoInstancesAsync(CancellationToken cancellationToken) =>
        RunAsync(2, "two instances, one killed", instances: 2, AllChannels, async (run, stop) =>
        {
            for (var k = 0; k < options.SecondInstanceKills; k++)
            {
                await Task.Delay(RandomDelay(4, 9), cancellationToken);
                await run.KillAndRestartAsync(run.Instances[1], cancellationToken);
            }
            await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
        }, cancellationToken);

    /// <summary>3: storage unreachable (connections reset, new ones refused) during ingest and delivery.</summary>
    public Task<ScenarioFigures> OutageAsync(CancellationToken cancellationToken) =>
        RunAsync(3, $"storage outage {options.Outage.TotalSeconds:0} s", instances: 1, AllChannels, async (run, stop) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(12), cancellationToken);
            await run.OutageAsync(options.Outage, cancellationToken);
            await Task.Delay(TimeSpan.FromSeconds(12), cancellationToken);
        }, cancellationToken);

    /// <summary>4: the SMS and push stubs answer 30 % 5xx, 10 % 429 with Retry-After, 10 % not before the app's timeout.</summary>
    public async Task<ScenarioFigures> ProviderChaosAsync(CancellationToken cancellationToken)
    {
        shared.Stubs.Behaviour = ProviderBehaviour.Chaos;
        try
        {
            // Three delayed tries (10 s, 20 s, 40 s back-off) instead of five (up to 160 s): a reminder that keeps
            // failing reaches the poison queue, and the timeline, in under two minutes rather than six.
            return await RunAsync(4, "provider chaos", instances: 1, ["push", "sms"],
                (run, stop) => Task.Delay(options.ChaosIngest, cancellationToken), cancellationToken, options.ChaosSettleLimit,
                new Dictionary<string, string> { ["Delivery__MaxRetries"] = "3" });
        }
        finally
        {
            shared.Stubs.Behaviour = ProviderBehaviour.Healthy;
        }
    }

    /// <summary>
    /// 5: every event of the scenario's orders (1 to 3 copies each) posted in shuffled order at concurrency 64,
    /// the app killed during the storm (and once more while it delivers).
    /// </summary>
    public async Task<ScenarioFigures> StormAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        Console.WriteLine("scenario 5: webhook storm");
        await using var run = await ScenarioRun.StartAsync(shared, 5, "webhook storm", 1, cancellationToken);
        var orders = Orders.Plan(5, options.StormOrders, AllChannels, shared.Random);
        var now = shared.Time.GetUtcNow();
        var events = new List<WebhookEvent>();
        foreach (var order in orders)
        {
            var copies = 1 + shared.Random.Next(3);
            for (var c = 0; c < copies; c++) events.Add(Orders.Created(order, now));
            if (order.Payment == Payment.None) continue;
            copies = 1 + shared.Random.Next(3);
            for (var c = 0; c < copies; c++) events.Add(Orders.Paid(order, now + TimeSpan.FromSeconds(1)));
        }
        shared.Random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(events));
        run.Log($"{events.Count} webhooks for {orders.Count} orders, concurrency 64");

        var storm = Parallel.ForEachAsync(events, new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken },
            async (e, ct) => await run.Webhooks.DeliverAsync(e, ct));
        for (var k = 0; k < options.StormKills; k++)
        {
            await Task.Delay(k == 0 ? RandomDelay(1, 3) : RandomDelay(3, 8), cancellationToken);
            if (k == 0 && storm.IsCompleted) run.Notes.Add("the storm was over before the kill");
            await run.KillAndRestartAsync(run.Instances[0], cancellationToken);
        }
        await storm;
        run.Log("storm delivered");
        return await CountAsync(run, orders, options.SettleLimit, watch, cancellationToken);
    }

    private async Task<ScenarioFigures> RunAsync(int number, string name, int instances, IReadOnlyList<string> channels,
        Func<ScenarioRun, CancellationToken, Task> fault, CancellationToken cancellationToken, TimeSpan? settleLimit = null,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        var watch = Stopwatch.StartNew();
        Console.WriteLine($"scenario {number}: {name}");
        await using var run = await ScenarioRun.StartAsync(shared, number, name, instances, cancellationToken, settings);
        var planned = Orders.Plan(number, 5_000, channels, shared.Random);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var ingest = run.IngestAsync(planned, OrdersPerSecond, stop.Token, cancellationToken);
        await fault(run, stop.Token);
        await stop.CancelAsync();
        var orders = await ingest;
        run.Log($"{orders.Count} orders in, faults over");
        return await CountAsync(run, orders, settleLimit ?? options.SettleLimit, watch, cancellationToken);
    }

    private static async Task<ScenarioFigures> CountAsync(ScenarioRun run, List<PlannedOrder> orders, TimeSpan settleLimit, Stopwatch watch, CancellationToken cancellationToken)
    {
        var settle = await run.SettleAsync(orders, settleLimit, cancellationToken);
        var deliveries = await run.DeliveriesAsync(orders, cancellationToken);
        var stored = await run.ReadStorageAsync(cancellationToken);
        var figures = ScenarioFigures.Count(run, orders, deliveries, stored, settle, watch.Elapsed);
        run.Log($"lost {figures.Lost}, open {figures.Open}, duplicates {figures.Duplicates} ({figures.Kills} kills), after paid {figures.SentAfterPaid} (in flight {figures.InFlightAtPayment}), "
            + $"2xx not stored {figures.AcknowledgedNotStored}, 5xx outside outage {figures.ServerErrorsOutsideOutage}, failed {figures.Failed}, "
            + $"restart to first delivery {figures.RestartText} s, {figures.Seconds:0} s");
        return figures;
    }

    private TimeSpan RandomDelay(double fromSeconds, double toSeconds) =>
        TimeSpan.FromSeconds(fromSeconds + shared.Random.NextDouble() * (toSeconds - fromSeconds));
}
