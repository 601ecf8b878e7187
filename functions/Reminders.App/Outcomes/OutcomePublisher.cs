using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Reminders.App.Orders;

namespace Reminders.App.Outcomes;

/// <summary>
/// Publishes the outcome of each reminder that <see cref="OutcomeQueue"/> holds: reads the reminder row and, when it
/// is final, the order (for its merchant), and sends one message to the topic. Whatever fails is logged and the
/// outcome is not published; the reminder is never affected. On stop, what is queued is still published until the
/// host's shutdown timeout; a crash loses it.
/// </summary>
public sealed partial class OutcomePublisher(
    OutcomeQueue queue, OrderStore orders, ServiceBusClient client, OutcomeSettings settings, ILogger<OutcomePublisher> logger) : BackgroundService
{
    public const int MaxConcurrentPublishes = 8;

    private readonly ServiceBusSender _sender = client.CreateSender(settings.Topic);
    private readonly CancellationTokenSource _abort = new();

    // Not stoppingToken: StopAsync completes the queue so that what it holds is published first (see there).
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Parallel.ForEachAsync(
            queue.Reader.ReadAllAsync(CancellationToken.None),
            new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentPublishes, CancellationToken = _abort.Token },
            (reminder, cancellationToken) => new ValueTask(PublishAsync(reminder, cancellationToken)));

    private async Task PublishAsync(ReminderKey reminder, CancellationToken cancellationToken)
    {
        try
        {
            var row = await orders.GetReminderAsync(reminder.OrderId, reminder.ReminderId, cancellationToken);
            if (row is null || !row.Status.IsFinal()) return; // may still go out: a later write tells again
            var order = await orders.GetOrderAsync(reminder.OrderId, cancellationToken);
            if (ReminderOutcome.From(row, order?.Order) is not { } outcome) return;
            await _sender.SendMessageAsync(outcome.ToMessage(), cancellationToken);
        }
#pragma warning disable CA1031 // storage, identity or Service Bus: the outcome is not published, nothing else changes
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogNotPublished(logger, e, reminder.OrderId, reminder.ReminderId);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        queue.Complete();
        // Publishing goes on until the queue is empty or the host's shutdown timeout cancels cancellationToken.
        await using (cancellationToken.Register(_abort.Cancel))
        {
            await base.StopAsync(cancellationToken);
        }
        if (queue.Reader.Count > 0) LogAbandoned(logger, queue.Reader.Count);
        await _sender.DisposeAsync();
    }

    public override void Dispose()
    {
        _abort.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outcome of {OrderId}/{ReminderId} not published")]
    private static partial void LogNotPublished(ILogger logger, Exception exception, string orderId, string reminderId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} reminder outcomes not published: the app stopped first")]
    private static partial void LogAbandoned(ILogger logger, int count);
}
