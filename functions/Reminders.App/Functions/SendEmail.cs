using Reminders.App.Delivery;
using Reminders.App.Hosting;
using Reminders.App.Orders;
using Reminders.Core.Notifications;

namespace Reminders.App.Functions;

/// <summary>Sends buyer reminders from the reminders-email queue through the email provider (Channels__Email__Provider), with one-click unsubscribe.</summary>
[Function("SendEmail")]
[QueueTrigger(QueueNames.Email)]
public sealed class SendEmail(ReminderDelivery delivery) : IQueueFunction
{
    public Task RunAsync(QueueTriggerMessage message, CancellationToken cancellationToken) =>
        delivery.DeliverAsync(Channel.Email, message, cancellationToken);
}
