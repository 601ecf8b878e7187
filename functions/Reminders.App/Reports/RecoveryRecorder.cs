using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reminders.App.Orders;
using Reminders.App.Storage;
using Reminders.Core;
using Reminders.Core.Notifications;
using Reminders.Core.Orders;
using Reminders.Core.Throttling;

namespace Reminders.App.Reports;

/// <summary>
/// Writes what the recovery report counts: one upsert into the merchant's day partition of table Reports per reminder
/// sent, per reminder held back, per order recovered after a reminder and per opt-out after one (<see cref="ReportRows"/>).
/// Called after the order's own write succeeded; a row that cannot be written is logged and not retried (the order's
/// timeline keeps the record), so the report never fails or delays a send or a webhook. Reminder kinds the report does
/// not cover, and orders without a merchant, write nothing.
/// </summary>
public sealed partial class RecoveryRecorder(ReminderStorage storage, IOptions<ReportOptions> options, TimeProvider time, ILogger<RecoveryRecorder> logger)
{
    public TimeSpan Window => options.Value.AttributionWindow;

    /// <summary>What the event that turned <paramref name="before"/> into <paramref name="after"/> recovered (see <see cref="RecoveryAttribution"/>).</summary>
    public IReadOnlyList<Attribution> Attribute(Order before, Order after, IEnumerable<ReminderRow> reminders) =>
        RecoveryAttribution.Find(before, after, reminders, Window);

    public Task RecordSentAsync(Order order, ReminderRow reminder, string channel)
    {
        if (order.MerchantId is not { } merchantId || RecoveryAttribution.GoalOf(reminder.Kind) is null) return Task.CompletedTask;
        var fact = new ReportFact(ReportRows.Sent, time.GetUtcNow(), reminder.Kind.ToWire(), reminder.Step, channel);
        return WriteAsync(fact.ToEntity(merchantId, $"{ReportRows.Sent}|{order.OrderId}|{reminder.ReminderId}"));
    }

    /// <param name="reason">The throttle's or sender's code; only <c>buyer_daily_cap</c>, <c>quiet_hours</c>, <c>opted_out</c> and <c>order_state</c> (when the order has what the reminder asked for) are counted.</param>
    public Task RecordHeldAsync(Order order, ReminderRow reminder, string reason)
    {
        if (order.MerchantId is not { } merchantId || RecoveryAttribution.GoalOf(reminder.Kind) is null) return Task.CompletedTask;
        var held = reason switch
        {
            ThrottleReasons.BuyerDailyCap => HeldReasons.Cap,
            ThrottleReasons.QuietHours => HeldReasons.QuietHours,
            ThrottleReasons.OptedOut => HeldReasons.OptOut,
            "order_state" when RecoveryAttribution.IsReached(order, reminder.Kind) => HeldReasons.AlreadyPaid,
            _ => null,
        };
        if (held is null) return Task.CompletedTask;
        var fact = new ReportFact(ReportRows.Held, time.GetUtcNow(), reminder.Kind.ToWire(), reminder.Step, reminder.Channel?.ToWire() ?? "") { Reason = held };
        return WriteAsync(fact.ToEntity(merchantId, $"{ReportRows.Held}|{order.OrderId}|{reminder.ReminderId}|{held}"));
    }

    public async Task RecordRecoveredAsync(Order order, IReadOnlyList<Attribution> attributions)
    {
        if (order.MerchantId is not { } merchantId) return;
        foreach (var a in attributions)
        {
            var fact = new ReportFact(ReportRows.Recovered, time.GetUtcNow(), a.Reminder.Kind.ToWire(), a.Reminder.Step, a.Reminder.Channel?.ToWire() ?? "")
            {
                Amount = order.Amount,
                After = a.After,
            };
            await WriteAsync(fact.ToEntity(merchantId, $"{ReportRows.Recovered}|{order.OrderId}|{a.GoalName}"));
        }
    }

    public Task RecordOptOutAsync(string merchantId, ReminderRow reminder, Channel optedOut)
    {
        var fact = new ReportFact(ReportRows.OptOut, time.GetUtcNow(), reminder.Kind.ToWire(), reminder.Step, reminder.Channel?.ToWire() ?? "");
        return WriteAsync(fact.ToEntity(merchantId, $"{ReportRows.OptOut}|{reminder.OrderId}|{reminder.ReminderId}|{optedOut.ToWire()}"));
    }

    /// <summary>
    /// Not cancellable: what it counts has happened and is stored, so neither a webhook's deadline nor a stopping host
    /// may lose the count (nor turn a stored event into a 503 that a replay could not repair).
    /// </summary>
    private async Task WriteAsync(TableEntity entity)
    {
        try
        {
            await storage.CreatingMissingAsync(
                () => storage.Reports.UpsertEntityAsync(entity, TableUpdateMode.Replace, CancellationToken.None), CancellationToken.None);
        }
        catch (Exception e) when (StorageFailure.IsStorageFailure(e))
        {
            LogWriteFailed(logger, e, entity.PartitionKey, entity.RowKey);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Report row {PartitionKey}/{RowKey} not written; the recovery report will not count it")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string partitionKey, string rowKey);
}
