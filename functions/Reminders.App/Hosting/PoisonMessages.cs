namespace Reminders.App.Hosting;

/// <summary>Why a queue message went to its poison queue.</summary>
public enum PoisonReason
{
    /// <summary>The function failed on the last allowed try (DequeueCount reached maxDequeueCount).</summary>
    MaxDequeueCountReached,

    /// <summary>The message was received more often than maxDequeueCount allows and was not run again.</summary>
    DequeueCountExceeded,

    /// <summary>The message text is not valid for the configured messageEncoding (not Base64).</summary>
    InvalidEncoding,
}

/// <summary>
/// A message moved to <c>&lt;queue&gt;-poison</c>. <see cref="MessageText"/> is the decoded text, or the text
/// as stored when it could not be decoded.
/// </summary>
public sealed record PoisonedQueueMessage(
    string FunctionName,
    string QueueName,
    string PoisonQueueName,
    string MessageId,
    string MessageText,
    long DequeueCount,
    PoisonReason Reason);

/// <summary>
/// Told about every message the queue host moves to a poison queue (after the move), so the app can record
/// it, e.g. on an order's timeline. Registered in DI; resolved in a scope per message. Failures are logged.
/// </summary>
public interface IPoisonMessageObserver
{
    Task OnMessagePoisonedAsync(PoisonedQueueMessage message, CancellationToken cancellationToken);
}
