using System.ComponentModel.DataAnnotations;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using Reminders.App.Dispatch;

namespace Reminders.App.Delivery;

/// <summary>
/// Tries a reminder message again after a delay of its own (a provider's Retry-After, a claim another copy still
/// holds): a copy goes back on the queue hidden for the delay, and the running copy completes. The Functions queue
/// trigger has no per-message retry delay (host.json's visibilityTimeout is one value for every failure). After
/// <c>Delivery__MaxRetries</c> delayed tries (default 5) the message fails instead, so the host's maxDequeueCount and
/// the poison queue bound it as they bound any other failure.
/// </summary>
public sealed class QueueRetry(QueueServiceClient queues, IOptions<DeliveryOptions> options)
{
    private readonly int _maxRetries = options.Value.MaxRetries;

    public async Task LaterAsync(string queue, ReminderMessage message, TimeSpan delay, string why, CancellationToken cancellationToken)
    {
        if (message.Retry >= _maxRetries)
        {
            throw new InvalidOperationException($"{message.OrderId}/{message.ReminderId}: {why}; gave up after {_maxRetries} delayed tries.");
        }
        var copy = message with { Retry = message.Retry + 1 };
        await queues.GetQueueClient(queue).SendMessageAsync(BinaryData.FromString(copy.ToJson()), visibilityTimeout: delay, cancellationToken: cancellationToken);
    }
}

/// <summary>Setting Delivery__MaxRetries: delayed tries of one message before it fails (see <see cref="QueueRetry"/>).</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Delivery";

    [Range(0, 100, ErrorMessage = "must be a whole number from 0 to 100.")]
    public int MaxRetries { get; set; } = 5;
}
