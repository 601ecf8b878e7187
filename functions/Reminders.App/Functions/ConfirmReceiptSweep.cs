using Reminders.App.Dispatch;
using Reminders.App.Hosting;
using Reminders.App.Orders;

namespace Reminders.App.Functions;

/// <summary>Sends what has come due of: confirm receipt (提醒收货) and auto-confirm deadlines.</summary>
[Function("ConfirmReceiptSweep")]
[TimerTrigger("%Sweeps__ConfirmReceipt__Schedule%")]
public sealed class ConfirmReceiptSweep(ReminderDispatcher dispatcher) : ITimerFunction
{
    public Task RunAsync(TimerInfo timer, CancellationToken cancellationToken) =>
        dispatcher.SweepAsync(Sweep.ConfirmReceipt, cancellationToken);
}
