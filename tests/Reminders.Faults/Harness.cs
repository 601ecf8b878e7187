using System.Diagnostics;
using System.Text.Json;
using Azure.Data.Tables;
using Reminders.App.Orders;
using Reminders.Core.Notifications;
using Reminders.Core.Planning;
using Reminders.TestSupport;

namespace Reminders.Faults;

/// <summary>What every scenario shares: the app build, maildev, the provider stubs, the secrets and the log folder.</summary>
public sealed record Shared(string AppDll, Maildev Maildev, ProviderStubs Stubs, RunSecrets Secrets, string LogDirectory, Random Random, TimeProvider Time);

/// <summary>
/// One scenario's world: a fresh in-memory Azurite behind <see cref="StorageProxy"/>, the app instances on it, the
/// webhook sender, and the faults injected (kills, restarts, outages) with their times.
/// </summary>
public sealed class ScenarioRun : IAsyncDisposable
{
    /// <summary>The one reminder each order gets comes due this long after order.created.</summary>
    public static readonly TimeSpan DueAfter = TimeSpan.FromSeconds(6);

    private readonly AzuriteProcess _azurite;
    private readonly List<DateTimeOffset> _restarts = [];
    private readonly List<(DateTimeOffset From, DateTimeOffset To)> _outages = [];

    private readonly IReadOnlyDictionary<string, string> _extraSettings;

    private ScenarioRun(Shared shared, int number, string name, AzuriteProcess azurite, StorageProxy proxy, IReadOnlyDictionary<string, string> extraSettings)
    {
        _extraSettings = extraSettings;
        Shared = shared;
        Number = number;
        Name = name;
        _azurite = azurite;
        Proxy = proxy;
        Webhooks = new WebhookSender(shared.Secrets, shared.Time);
    }

    public Shared Shared { get; }
    public int Number { get; }
    public string Name { get; }
    public StorageProxy Proxy { get; }
    public WebhookSender Webhooks { get; }
    public List<AppInstance> Instances { get; } = [];
    public int Kills { get; private set; }
    public IReadOnlyList<DateTimeOffset> Restarts => _restarts;
    public IReadOnlyList<(DateTimeOffset From, DateTimeOffset To)> Outages => _outages;
    public List<string> Notes { get; } = [];

    public static async Task<ScenarioRun> StartAsync(
        Shared shared, int number, string name, int instances, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? extraSettings = null)
    {
        var azurite = TestStorage.StartPrivateAzurite();
        var proxy = StorageProxy.Start(azurite);
        var run = new ScenarioRun(shared, number, name, azurite, proxy, extraSettings ?? new Dictionary<string, string>());
        for (var i = 0; i < instances; i++)
        {
            var instance = new AppInstance(run, (char)('a' + i));
            run.Instances.Add(instance);
            await instance.StartAsync(cancellationToken);
        }
        run.Webhooks.Targets = [.. run.Instances.Select(i => i.BaseAddress)];
        return run;
    }

    /// <summary>The settings of a fault-injection run: seconds-long steps and claims, every provider a local stand-in.</summary>
    public Dictionary<string, string> AppSettings()
    {
        var settings = Shared.Secrets.AppSettings(Proxy.ConnectionString);
        foreach (var (name, value) in Shared.Stubs.AppSettings()) settings[name] = value;
        foreach (var (name, value) in new Dictionary<string, string>
        {
            ["Channels__Email__Provider"] = "smtp",
            ["Channels__Email__From"] = "Faults Shop <shop@faults.example>",
            ["Channels__Email__Smtp__Host"] = "127.0.0.1",
            ["Channels__Email__Smtp__Port"] = Shared.Maildev.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Channels__HttpAttemptTimeout"] = "00:00:02",
            ["Channels__HttpTimeout"] = "00:00:05",
            ["Reminders__QuietHours__Start"] = "00:00",
            ["Reminders__QuietHours__End"] = "00:00",
            ["Reminders__PaymentDue__Steps"] = "00:00:06",
            ["Reminders__PaymentDue__Window"] = "02:00:00",
            ["Sweeps__PaymentDue__Schedule"] = "*/2 * * * * *",
            ["Sweeps__ConfirmReceipt__Schedule"] = "0 0 0 1 1 *",
            ["Sweeps__PayLater__Schedule"] = "0 0 0 1 1 *",
            ["Sweeps__Settlement__Schedule"] = "0 0 0 1 1 *",
            ["Sweeps__Refund__Schedule"] = "0 0 0 1 1 *",
            // A killed instance's claims, queue messages and timer lock come back in seconds, not minutes.
            ["Sweeps__ClaimTimeout"] = "00:00:10",
            ["Delivery__ClaimTimeout"] = "00:00:10",
            ["LocalHost__QueueReceiveVisibility"] = "00:00:10",
            ["AzureFunctionsJobHost__singleton__listenerLockPeriod"] = "00:00:15",
            ["AzureFunctionsJobHost__singleton__listenerLockRecoveryPollingInterval"] = "00:00:02",
            ["AzureFunctionsJobHost__extensions__queues__visibilityTimeout"] = "00:00:05",
            ["AzureFunctionsJobHost__extensions__queues__maxPollingInterval"] = "00:00:01",
            ["AzureFunctionsJobHost__logging__logLevel__default"] = "Warning",
            ["AzureFunctionsJobHost__logging__logLevel__Azure.Core"] = "Error",
        })
        {
            settings[name] = value;
        }
        foreach (var (name, value) in _extraSettings) settings[name] = value;
        return settings;
    }

    /// <summary>SIGKILL, then a restart on the same address.</summary>
    public async Task KillAndRestartAsync(AppInstance instance, CancellationToken cancellationToken)
    {
        await instance.KillAsync();
        Kills++;
        Log($"killed instance {instance.Name} (kill {Kills})");
        await instance.StartAsync(cancellationToken);
    }

    public void RecordRestart(DateTimeOffset at)
    {
        lock (_restarts) _restarts.Add(at);
    }

    /// <summary>Cuts storage for <paramref name="length"/>, then gives it back.</summary>
    public async Task OutageAsync(TimeSpan length, CancellationToken cancellationToken)
    {
        var from = Shared.Time.GetUtcNow();
        Proxy.Cut();
        Log($"storage cut for {length.TotalSeconds:0} s");
        try
        {
            await Task.Delay(length, cancellationToken);
        }
        finally
        {
            Proxy.Restore();
            _outages.Add((from, Shared.Time.GetUtcNow()));
            Log("storage back");
        }
    }

    public void Log(string message) => Console.WriteLine($"  [{Shared.Time.GetUtcNow():HH:mm:ss}] {Name}: {message}");

    /// <summary>
    /// Posts <paramref name="perSecond"/> orders a second (order.created, then the payment when planned) until
    /// <paramref name="stop"/> or the last order; returns the orders started, whose webhooks are then all delivered.
    /// </summary>
    public async Task<List<PlannedOrder>> IngestAsync(IReadOnlyList<PlannedOrder> orders, double perSecond, CancellationToken stop, CancellationToken cancellationToken)
    {
        var started = Stopwatch.StartNew();
        var tasks = new List<Task>();
        var posted = new List<PlannedOrder>();
        foreach (var order in orders)
        {
            var due = TimeSpan.FromSeconds(posted.Count / perSecond);
            try
            {
                if (due > started.Elapsed) await Task.Delay(due - started.Elapsed, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            if (stop.IsCancellationRequested) break;
            posted.Add(order);
            tasks.Add(OneOrderAsync(order, cancellationToken));
        }
        await Task.WhenAll(tasks);
        return posted;
    }

    private async Task OneOrderAsync(PlannedOrder order, CancellationToken cancellationToken)
    {
        var createdAt = Shared.Time.GetUtcNow();
        if (!await Webhooks.DeliverAsync(Orders.Created(order, createdAt), cancellationToken)) return;
        if (order.Payment == Payment.None) return;
        var payAt = createdAt + (order.Payment == Payment.BeforeDue ? DueAfter / 3 : DueAfter * 2);
        var wait = payAt - Shared.Time.GetUtcNow();
        if (wait > TimeSpan.Zero) await Task.Delay(wait, cancellationToken);
        await Webhooks.DeliverAsync(Orders.Paid(order, payAt), cancellationToken);
    }

    /// <summary>Every reminder row and stored event id of this scenario's orders, read from storage (not through the app).</summary>
    public async Task<StoredState> ReadStorageAsync(CancellationToken cancellationToken)
    {
        var table = new TableClient(_azurite.ConnectionString, ReminderStorage.OrdersTable);
        var prefix = $"F{Number}-";
        var reminders = new Dictionary<string, List<ReminderRow>>();
        var events = new HashSet<(string, string)>();
        try
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey ge {prefix} and PartitionKey lt {prefix[..^1] + "."}");
            await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                if (entity.RowKey.StartsWith(OrderRows.ReminderPrefix, StringComparison.Ordinal))
                {
                    // Only the buyer's payment reminder: the run's orders have no other due in it.
                    var row = ReminderRow.FromEntity(entity);
                    if (row.Kind != ReminderKind.PaymentDue || row.Audience != Audience.Buyer) continue;
                    if (!reminders.TryGetValue(entity.PartitionKey, out var list)) reminders[entity.PartitionKey] = list = [];
                    list.Add(row);
                }
                else if (entity.RowKey.StartsWith(OrderRows.EventPrefix, StringComparison.Ordinal))
                {
                    events.Add((entity.PartitionKey, entity.RowKey));
                }
            }
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            // no table yet
        }
        return new StoredState(reminders, events);
    }

    /// <summary>Waits until every order's reminder row is final (sent, suppressed, failed, voided), at most <paramref name="limit"/>.</summary>
    public async Task<(bool Settled, TimeSpan Took)> SettleAsync(IReadOnlyList<PlannedOrder> orders, TimeSpan limit, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var state = await ReadStorageAsync(cancellationToken);
            // Paid before it was created (a storm's shuffle), an order never gets a payment reminder.
            var open = orders.Count(o => !Webhooks.Acknowledged.ContainsKey(o.CreatedWebhookId)
                || (state.Reminders.TryGetValue(o.OrderId, out var rows)
                    ? rows.Any(r => !r.Status.IsFinal())
                    : !Webhooks.Acknowledged.ContainsKey(o.PaidWebhookId)));
            if (open == 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken); // late copies, and maildev's inbox
                return (true, watch.Elapsed);
            }
            if (watch.Elapsed > limit)
            {
                var statuses = orders.Select(o => state.Reminders.TryGetValue(o.OrderId, out var rows)
                    ? string.Join('+', rows.Select(r => r.Status.ToWire())) : Webhooks.Acknowledged.ContainsKey(o.CreatedWebhookId) ? "no rows" : "not acknowledged");
                Log($"{open} orders still open after {limit.TotalSeconds:0} s: "
                    + string.Join(", ", statuses.GroupBy(s => s).Select(g => $"{g.Count()} {g.Key}")));
                return (false, watch.Elapsed);
            }
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        }
    }

    /// <summary>Everything that reached the SMS and push stubs and maildev, for this scenario's contacts.</summary>
    public async Task<List<Delivery>> DeliveriesAsync(IReadOnlyList<PlannedOrder> orders, CancellationToken cancellationToken)
    {
        var contacts = orders.Select(o => o.Contact).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var deliveries = Shared.Stubs.Deliveries.Where(d => contacts.Contains(d.Contact)).ToList();
        foreach (var email in (await Shared.Maildev.GetEmailsAsync(cancellationToken)).EnumerateArray())
        {
            var at = email.TryGetProperty("time", out var time) && time.ValueKind == JsonValueKind.String ? time.GetDateTimeOffset() : DateTimeOffset.MinValue;
            foreach (var to in email.GetProperty("to").EnumerateArray())
            {
                var address = to.GetProperty("address").GetString() ?? "";
                if (contacts.Contains(address)) deliveries.Add(new Delivery("email", address.ToLowerInvariant(), at));
            }
        }
        return deliveries;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in Instances) await instance.DisposeAsync();
        Webhooks.Dispose();
        await Proxy.DisposeAsync();
        _azurite.Dispose();
    }
}

/// <summary>What storage holds for a scenario's orders: buyer payment reminder rows by order, and (order, event row key) pairs.</summary>
public sealed record StoredState(IReadOnlyDictionary<string, List<ReminderRow>> Reminders, IReadOnlySet<(string OrderId, string EventKey)> Events);

/// <summary>One app instance: the real app process on a fixed address, started again after each kill.</summary>
public sealed class AppInstance(ScenarioRun run, char name) : IAsyncDisposable
{
    private AppProcess? _process;
    private int _starts;

    public char Name { get; } = name;

    public Uri BaseAddress { get; } = new($"http://127.0.0.1:{TestStorage.FreePort()}/");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var log = Path.Combine(run.Shared.LogDirectory, $"{run.Number}-{run.Name}-{Name}.log");
        var spawnedAt = run.Shared.Time.GetUtcNow();
        if (_starts++ > 0) run.RecordRestart(spawnedAt);
        _process = await AppProcess.StartAsync(run.Shared.AppDll, run.AppSettings(), cancellationToken, BaseAddress, log);
    }

    public async Task KillAsync()
    {
        if (_process is null) return;
        await _process.KillAsync();
        await _process.DisposeAsync();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null) await _process.DisposeAsync();
    }
}
