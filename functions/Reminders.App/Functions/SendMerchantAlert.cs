using Reminders.App.Delivery;
using Reminders.App.Hosting;
using Reminders.App.Orders;

namespace Reminders.App.Functions;

/// <summary>Sends merchant alerts from the merchant-alerts queue: email and/or signed webhook (Merchants__{id}__*), else the outbox.</summary>
[Function("SendMerchantAlert")]
[QueueTrigger(QueueNames.MerchantAlerts)]
public sealed class SendMerchantAlert(MerchantAlertDelivery delivery) : IQueueFunction
{
    public Task RunAsync(QueueTriggerMessage message, CancellationToken cancellationToken) =>
        delivery.DeliverAsync(message, cancellationToken);
}
