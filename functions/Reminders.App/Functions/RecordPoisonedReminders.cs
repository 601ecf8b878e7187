using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using Reminders.App.Delivery;
using Reminders.App.Orders;

namespace Reminders.App.Functions;

/// <summary>
/// The host moves a message that failed maxDequeueCount times to <c>&lt;queue&gt;-poison</c>; these functions mark
/// its reminder failed (reason <c>moved_to_poison</c>) on the row and the order's timeline, so an operator sees it.
/// </summary>
public sealed class RecordPoisonedReminders(DeliveryPoisonRecorder recorder)
{
    [Function("RecordPoisonedSms")]
    public Task Sms([QueueTrigger(QueueNames.Sms + QueueNames.PoisonSuffix)] QueueMessage message, CancellationToken cancellationToken) =>
        recorder.RecordAsync(QueueNames.Sms, message, cancellationToken);

    [Function("RecordPoisonedEmail")]
    public Task Email([QueueTrigger(QueueNames.Email + QueueNames.PoisonSuffix)] QueueMessage message, CancellationToken cancellationToken) =>
        recorder.RecordAsync(QueueNames.Email, message, cancellationToken);

    [Function("RecordPoisonedPush")]
    public Task Push([QueueTrigger(QueueNames.Push + QueueNames.PoisonSuffix)] QueueMessage message, CancellationToken cancellationToken) =>
        recorder.RecordAsync(QueueNames.Push, message, cancellationToken);

    [Function("RecordPoisonedMerchantAlert")]
    public Task MerchantAlert([QueueTrigger(QueueNames.MerchantAlerts + QueueNames.PoisonSuffix)] QueueMessage message, CancellationToken cancellationToken) =>
        recorder.RecordAsync(QueueNames.MerchantAlerts, message, cancellationToken);
}
