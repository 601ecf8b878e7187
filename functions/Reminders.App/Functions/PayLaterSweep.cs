using Microsoft.Azure.Functions.Worker;
using Reminders.App.Dispatch;
using Reminders.App.Orders;

namespace Reminders.App.Functions;

/// <summary>Sends what has come due of: pay-later due (先用后付).</summary>
public sealed class PayLaterSweep(ReminderDispatcher dispatcher)
{
    [Function(nameof(PayLaterSweep))]
    public Task Run([TimerTrigger("%Sweeps__PayLater__Schedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        dispatcher.SweepAsync(Sweep.PayLater, cancellationToken);
}
