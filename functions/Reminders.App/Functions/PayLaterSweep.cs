using Reminders.App.Dispatch;
using Reminders.App.Hosting;
using Reminders.App.Orders;

namespace Reminders.App.Functions;

/// <summary>Sends what has come due of: pay-later due (先用后付).</summary>
[Function("PayLaterSweep")]
[TimerTrigger("%Sweeps__PayLater__Schedule%")]
public sealed class PayLaterSweep(ReminderDispatcher dispatcher) : ITimerFunction
{
    public Task RunAsync(TimerInfo timer, CancellationToken cancellationToken) =>
        dispatcher.SweepAsync(Sweep.PayLater, cancellationToken);
}
