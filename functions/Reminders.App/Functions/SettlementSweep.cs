using Reminders.App.Dispatch;
using Reminders.App.Hosting;
using Reminders.App.Orders;

namespace Reminders.App.Functions;

/// <summary>Sends what has come due of: settlement missing.</summary>
[Function("SettlementSweep")]
[TimerTrigger("%Sweeps__Settlement__Schedule%")]
public sealed class SettlementSweep(ReminderDispatcher dispatcher) : ITimerFunction
{
    public Task RunAsync(TimerInfo timer, CancellationToken cancellationToken) =>
        dispatcher.SweepAsync(Sweep.Settlement, cancellationToken);
}
