using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using Reminders.App.Delivery;
using Reminders.App.Orders;
using Reminders.Core.Notifications;

namespace Reminders.App.Functions;

/// <summary>Sends buyer reminders from the push queue through the provider in Channels__Push__Provider.</summary>
public sealed class SendPush(ReminderDelivery delivery)
{
    [Function(nameof(SendPush))]
    public Task Run([QueueTrigger(QueueNames.Push)] QueueMessage message, CancellationToken cancellationToken) =>
        delivery.DeliverAsync(Channel.Push, message, cancellationToken);
}
