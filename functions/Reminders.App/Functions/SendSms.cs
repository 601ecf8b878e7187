using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using Reminders.App.Delivery;
using Reminders.App.Orders;
using Reminders.Core.Notifications;

namespace Reminders.App.Functions;

/// <summary>Sends buyer reminders from the sms queue through the provider in Channels__Sms__Provider.</summary>
public sealed class SendSms(ReminderDelivery delivery)
{
    [Function(nameof(SendSms))]
    public Task Run([QueueTrigger(QueueNames.Sms)] QueueMessage message, CancellationToken cancellationToken) =>
        delivery.DeliverAsync(Channel.Sms, message, cancellationToken);
}
