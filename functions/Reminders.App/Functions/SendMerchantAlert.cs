using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using Reminders.App.Delivery;
using Reminders.App.Orders;

namespace Reminders.App.Functions;

/// <summary>Sends merchant alerts from the merchant-alerts queue: email and/or signed webhook (Merchants__{id}__*), else the outbox.</summary>
public sealed class SendMerchantAlert(MerchantAlertDelivery delivery)
{
    [Function(nameof(SendMerchantAlert))]
    public Task Run([QueueTrigger(QueueNames.MerchantAlerts)] QueueMessage message, CancellationToken cancellationToken) =>
        delivery.DeliverAsync(message, cancellationToken);
}
