using Reminders.Storage;

namespace Reminders.App.Orders;

/// <summary>The app's tables and queues, created once on first use (and again after a failed attempt).</summary>
public sealed class ReminderStorage(TableServiceClient tables, QueueServiceClient queues)
{
    public const string OrdersTable = "Orders";
    public const string IndexTable = "ReminderIndex";
    public const string BuyersTable = "Buyers";
    public const string OutboxTable = "Outbox";

    private readonly Lock _gate = new();
    private Task? _ready;

    public TableClient Orders { get; } = tables.GetTableClient(OrdersTable);
    public TableClient Index { get; } = tables.GetTableClient(IndexTable);
    public TableClient Buyers { get; } = tables.GetTableClient(BuyersTable);
    public TableClient Outbox { get; } = tables.GetTableClient(OutboxTable);

    public QueueClient Queue(string name) => queues.GetQueueClient(name);

    public Task EnsureReadyAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_ready is null || _ready.IsFaulted || _ready.IsCanceled)
            {
                _ready = CreateAllAsync(cancellationToken);
            }
            return _ready;
        }
    }

    private async Task CreateAllAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(
            Orders.CreateIfNotExistsAsync(cancellationToken),
            Index.CreateIfNotExistsAsync(cancellationToken),
            Buyers.CreateIfNotExistsAsync(cancellationToken),
            Outbox.CreateIfNotExistsAsync(cancellationToken));
        await Task.WhenAll(QueueNames.All.Select(name => Queue(name).CreateIfNotExistsAsync(cancellationToken)));
    }
}

/// <summary>The queues reminders travel through, one per channel and one for merchant alerts.</summary>
public static class QueueNames
{
    public const string Sms = "reminders-sms";
    public const string Email = "reminders-email";
    public const string Push = "reminders-push";
    public const string MerchantAlerts = "merchant-alerts";

    public static IReadOnlyList<string> All { get; } = [Sms, Email, Push, MerchantAlerts];

    public static string Poison(string queue) => queue + "-poison";
}
