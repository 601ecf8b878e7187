using Reminders.App.Dispatch;
using Reminders.App.Hosting;
using Reminders.App.Orders;

namespace Reminders.App.Functions;

/// <summary>Sends what has come due of: refund stalled.</summary>
[Function("RefundSweep")]
[TimerTrigger("%Sweeps__Refund__Schedule%")]
public sealed class RefundSweep(ReminderDispatcher dispatcher) : ITimerFunction
{
    public Task RunAsync(TimerInfo timer, CancellationToken cancellationToken) =>
        dispatcher.SweepAsync(Sweep.Refund, cancellationToken);
}
