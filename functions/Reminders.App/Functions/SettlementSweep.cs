using Microsoft.Azure.Functions.Worker;
using Reminders.App.Dispatch;
using Reminders.App.Orders;

namespace Reminders.App.Functions;

/// <summary>Sends what has come due of: settlement missing.</summary>
public sealed class SettlementSweep(ReminderDispatcher dispatcher)
{
    [Function(nameof(SettlementSweep))]
    public Task Run([TimerTrigger("%Sweeps__Settlement__Schedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        dispatcher.SweepAsync(Sweep.Settlement, cancellationToken);
}
