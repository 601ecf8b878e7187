using Reminders.App.Delivery;
using Reminders.App.Hosting;
using Reminders.App.Orders;
using Reminders.Core.Notifications;

namespace Reminders.App.Functions;

/// <summary>Sends buyer reminders from the reminders-sms queue through the SMS provider (Channels__Sms__Provider).</summary>
[Function("SendSms")]
[QueueTrigger(QueueNames.Sms)]
public sealed class SendSms(ReminderDelivery delivery) : IQueueFunction
{
    public Task RunAsync(QueueTriggerMessage message, CancellationToken cancellationToken) =>
        delivery.DeliverAsync(Channel.Sms, message, cancellationToken);
}
