using Microsoft.Azure.Functions.Worker;
using Reminders.App.Dispatch;
using Reminders.App.Orders;

namespace Reminders.App.Functions;

/// <summary>Sends what has come due of: payment due (催付), payment window deadlines and payment-failed notices.</summary>
public sealed class PaymentDueSweep(ReminderDispatcher dispatcher)
{
    [Function(nameof(PaymentDueSweep))]
    public Task Run([TimerTrigger("%Sweeps__PaymentDue__Schedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        dispatcher.SweepAsync(Sweep.PaymentDue, cancellationToken);
}
