using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using Reminders.App.Delivery;
using Reminders.App.Orders;
using Reminders.Core.Notifications;

namespace Reminders.App.Functions;

/// <summary>Sends buyer reminders from the email queue through the provider in Channels__Email__Provider.</summary>
public sealed class SendEmail(ReminderDelivery delivery)
{
    [Function(nameof(SendEmail))]
    public Task Run([QueueTrigger(QueueNames.Email)] QueueMessage message, CancellationToken cancellationToken) =>
        delivery.DeliverAsync(Channel.Email, message, cancellationToken);
}
