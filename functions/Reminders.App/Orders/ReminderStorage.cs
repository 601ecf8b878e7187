using Azure;
using Azure.Data.Tables;
using Azure.Data.Tables.Models;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace Reminders.App.Orders;

/// <summary>
/// The app's tables and queues. <see cref="Storage.StorageSetup"/> creates them at start-up; a call that still finds
/// one missing (storage was unreachable while the app started) goes through <see cref="CreatingMissingAsync{T}"/>.
/// </summary>
public sealed class ReminderStorage(TableServiceClient tables, QueueServiceClient queues)
{
    public const string OrdersTable = "Orders";
    public const string IndexTable = "ReminderIndex";
    public const string BuyersTable = "Buyers";
    public const string OutboxTable = "Outbox";
    public const string ActivityTable = "Activity";
    public const string MerchantsTable = "Merchants";
    public const string ReportsTable = "Reports";

    public TableClient Orders { get; } = tables.GetTableClient(OrdersTable);
    public TableClient Index { get; } = tables.GetTableClient(IndexTable);
    public TableClient Buyers { get; } = tables.GetTableClient(BuyersTable);
    public TableClient Outbox { get; } = tables.GetTableClient(OutboxTable);
    public TableClient Activity { get; } = tables.GetTableClient(ActivityTable);
    public TableClient Merchants { get; } = tables.GetTableClient(MerchantsTable);
    public TableClient Reports { get; } = tables.GetTableClient(ReportsTable);

    public QueueClient Queue(string name) => queues.GetQueueClient(name);

    /// <summary>Creates every table and queue that does not exist yet.</summary>
    public async Task CreateAllAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(new[] { Orders, Index, Buyers, Outbox, Activity, Merchants, Reports }.Select(table => table.CreateIfNotExistsAsync(cancellationToken)));
        await Task.WhenAll(QueueNames.All.Select(name => Queue(name).CreateIfNotExistsAsync(cancellationToken: cancellationToken)));
    }

    /// <summary>
    /// Runs <paramref name="operation"/>; when it fails because a table or queue of the app does not exist, creates
    /// them and runs it once more. Operations passed here are safe to repeat.
    /// </summary>
    public async Task<T> CreatingMissingAsync<T>(Func<Task<T>> operation, CancellationToken cancellationToken)
    {
        try
        {
            return await operation();
        }
        catch (RequestFailedException e) when (IsMissing(e))
        {
            await CreateAllAsync(cancellationToken);
            return await operation();
        }
    }

    /// <inheritdoc cref="CreatingMissingAsync{T}"/>
    public Task CreatingMissingAsync(Func<Task> operation, CancellationToken cancellationToken) =>
        CreatingMissingAsync(async () =>
        {
            await operation();
            return true;
        }, cancellationToken);

    /// <summary>Puts <paramref name="messageText"/> on queue <paramref name="queue"/> (Base64, as the queue trigger reads it).</summary>
    public Task SendMessageAsync(string queue, string messageText, CancellationToken cancellationToken) =>
        CreatingMissingAsync(() => Queue(queue).SendMessageAsync(messageText, cancellationToken), cancellationToken);

    private static bool IsMissing(RequestFailedException e) =>
        e.ErrorCode == TableErrorCode.TableNotFound.ToString() || e.ErrorCode == QueueErrorCode.QueueNotFound.ToString();
}

/// <summary>The queues reminders travel through, one per channel and one for merchant alerts.</summary>
public static class QueueNames
{
    public const string Sms = "reminders-sms";
    public const string Email = "reminders-email";
    public const string Push = "reminders-push";
    public const string MerchantAlerts = "merchant-alerts";

    public static IReadOnlyList<string> All { get; } = [Sms, Email, Push, MerchantAlerts];

    /// <summary>The host moves a message that failed maxDequeueCount times to its queue's poison queue.</summary>
    public const string PoisonSuffix = "-poison";

    public static string Poison(string queue) => queue + PoisonSuffix;
}
