using Microsoft.Azure.Functions.Worker;
using Reminders.App.Dispatch;
using Reminders.App.Orders;

namespace Reminders.App.Functions;

/// <summary>Sends what has come due of: refund stalled.</summary>
public sealed class RefundSweep(ReminderDispatcher dispatcher)
{
    [Function(nameof(RefundSweep))]
    public Task Run([TimerTrigger("%Sweeps__Refund__Schedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        dispatcher.SweepAsync(Sweep.Refund, cancellationToken);
}
