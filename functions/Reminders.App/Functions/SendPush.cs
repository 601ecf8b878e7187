using Reminders.App.Delivery;
using Reminders.App.Hosting;
using Reminders.App.Orders;
using Reminders.Core.Notifications;

namespace Reminders.App.Functions;

/// <summary>Sends buyer reminders from the reminders-push queue through the push provider (Channels__Push__Provider).</summary>
[Function("SendPush")]
[QueueTrigger(QueueNames.Push)]
public sealed class SendPush(ReminderDelivery delivery) : IQueueFunction
{
    public Task RunAsync(QueueTriggerMessage message, CancellationToken cancellationToken) =>
        delivery.DeliverAsync(Channel.Push, message, cancellationToken);
}
