using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Reminders.App.Buyers;
using Reminders.App.Dispatch;
using Reminders.App.Hosting;
using Reminders.App.Orders;
using Reminders.App.Storage;
using Reminders.App.Tests.Support;
using Reminders.Core.Orders;
using Reminders.Core.Settings;
using Reminders.TestSupport;

namespace Reminders.App.Tests.Dispatch;

/// <summary>
/// An Azurite of the test class's own, so that no other test's reminders come due in its sweeps and no
/// other app reads its queues.
/// </summary>
public sealed class PrivateAzurite : IDisposable
{
    private readonly AzuriteProcess _azurite = TestStorage.StartPrivateAzurite();

    public string ConnectionString => _azurite.ConnectionString;

    public void Dispose() => _azurite.Dispose();
}

/// <summary>
/// The app on a given Azurite with a clock the test moves and a recorder on every storage client. The test runs
/// the sweeps and reads the queues itself: the timer functions' schedules are pushed out of the way and no queue
/// listener runs, so nothing takes a reminder message off its queue before the test counts it.
/// </summary>
public sealed class DispatchApp : IDisposable
{
    /// <summary>Once a year: a trigger host, if one runs, does not sweep in the middle of a test.</summary>
    private const string Rarely = "0 0 0 1 1 *";

    private readonly ReminderAppFactory _factory;

    public DispatchApp(string storage, IReadOnlyDictionary<string, string?>? settings = null, FakeTimeProvider? time = null)
    {
        Time = time ?? new FakeTimeProvider(DateTimeOffset.UtcNow);
        var all = new Dictionary<string, string?>
        {
            ["Sweeps__PaymentDue__Schedule"] = Rarely,
            ["Sweeps__ConfirmReceipt__Schedule"] = Rarely,
            ["Sweeps__PayLater__Schedule"] = Rarely,
            ["Sweeps__Settlement__Schedule"] = Rarely,
            ["Sweeps__Refund__Schedule"] = Rarely,
            ["Reminders__MaxJitter"] = "00:00:00",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;
        _factory = new ReminderAppFactory(all, services =>
        {
            services.AddSingleton(new StorageRequestPolicy(Recorder));
            foreach (var listener in services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.FullName == "Functions.LocalHost.QueueTriggerService").ToList())
            {
                services.Remove(listener);
            }
        }, storage) { Time = Time };
    }

    public FakeTimeProvider Time { get; }

    public StorageRecorder Recorder { get; } = new();

    public ReminderAppFactory Factory => _factory;

    public IServiceProvider Services => _factory.Services;

    public OrderStore Orders => Services.GetRequiredService<OrderStore>();

    public BuyerStore Buyers => Services.GetRequiredService<BuyerStore>();

    public ReminderDispatcher Dispatcher => Services.GetRequiredService<ReminderDispatcher>();

    public ReminderStorage Storage => Services.GetRequiredService<ReminderStorage>();

    public async Task<ApplyOutcome> ApplyAsync(OrderEvent e)
    {
        using var timeout = Timeout();
        return await Orders.ApplyAsync(e, Services.GetRequiredService<ReminderSettings>(), timeout.Token);
    }

    public async Task<IReadOnlyDictionary<DispatchOutcome, int>> SweepAsync(Sweep sweep)
    {
        using var timeout = Timeout();
        return await Dispatcher.SweepAsync(sweep, timeout.Token);
    }

    public async Task<OrderSnapshot> SnapshotAsync(string orderId)
    {
        using var timeout = Timeout();
        return await Orders.GetAsync(orderId, timeout.Token) ?? throw new InvalidOperationException($"Order {orderId} is not stored.");
    }

    public async Task<ReminderRow> ReminderAsync(string orderId, string reminderId) =>
        (await SnapshotAsync(orderId)).Reminders.Single(r => r.ReminderId == reminderId);

    /// <summary>The order's index entries still waiting, as "reminderId" strings.</summary>
    public async Task<IReadOnlyList<string>> IndexEntriesAsync(string orderId)
    {
        using var timeout = Timeout();
        var found = new List<string>();
        await foreach (var entity in Storage.Index.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"OrderId eq {orderId}"), cancellationToken: timeout.Token))
        {
            found.Add(entity.GetString("ReminderId") ?? "");
        }
        return found;
    }

    /// <summary>Takes every visible message off <paramref name="queue"/> (so the next look starts empty) and returns them.</summary>
    public async Task<IReadOnlyList<ReminderMessage>> DrainQueueAsync(string queue)
    {
        using var timeout = Timeout();
        var client = Storage.Queue(queue);
        var drained = new List<ReminderMessage>();
        while (true)
        {
            var batch = (await client.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5), timeout.Token)).Value;
            if (batch.Length == 0) return drained;
            foreach (var message in batch)
            {
                drained.Add(ReminderMessage.TryParse(message.MessageText ?? "") ?? throw new InvalidDataException($"Not a reminder message: {message.MessageText}"));
                await client.DeleteMessageAsync(message.MessageId, message.PopReceipt, timeout.Token);
            }
        }
    }

    public static CancellationTokenSource Timeout() => new(TimeSpan.FromSeconds(60));

    public void Dispose() => _factory.Dispose();
}

/// <summary>Order events as the webhook parser would produce them.</summary>
public static class TestEvents
{
    public static BuyerDetails Buyer(string id, string? phone = "+8613800138000", string? email = null, string? pushToken = null, string timeZone = "Asia/Shanghai") =>
        new(id) { Phone = phone, Email = email, PushToken = pushToken, Locale = "zh-CN", TimeZone = timeZone };

    public static OrderEvent Created(string orderId, BuyerDetails buyer, DateTimeOffset at) =>
        new(NewEventId(), OrderEventType.OrderCreated, at, orderId)
        {
            MerchantId = "m-1",
            Buyer = buyer,
            Amount = new Money(199m, "CNY"),
        };

    public static OrderEvent Event(OrderEventType type, string orderId, DateTimeOffset at) =>
        new(NewEventId(), type, at, orderId);

    public static string NewBuyerId() => "buyer-" + Guid.NewGuid().ToString("N")[..12];

    private static string NewEventId() => "evt_" + Guid.NewGuid().ToString("N");
}
