using Microsoft.Azure.Functions.Worker;
using Reminders.App.Dispatch;
using Reminders.App.Orders;

namespace Reminders.App.Functions;

/// <summary>Sends what has come due of: confirm receipt (提醒收货) and auto-confirm deadlines.</summary>
public sealed class ConfirmReceiptSweep(ReminderDispatcher dispatcher)
{
    [Function(nameof(ConfirmReceiptSweep))]
    public Task Run([TimerTrigger("%Sweeps__ConfirmReceipt__Schedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        dispatcher.SweepAsync(Sweep.ConfirmReceipt, cancellationToken);
}
