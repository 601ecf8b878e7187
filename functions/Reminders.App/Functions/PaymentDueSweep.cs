using Reminders.App.Dispatch;
using Reminders.App.Hosting;
using Reminders.App.Orders;

namespace Reminders.App.Functions;

/// <summary>Sends what has come due of: payment due (催付), payment window deadlines and payment-failed notices.</summary>
[Function("PaymentDueSweep")]
[TimerTrigger("%Sweeps__PaymentDue__Schedule%")]
public sealed class PaymentDueSweep(ReminderDispatcher dispatcher) : ITimerFunction
{
    public Task RunAsync(TimerInfo timer, CancellationToken cancellationToken) =>
        dispatcher.SweepAsync(Sweep.PaymentDue, cancellationToken);
}
