namespace Reminders.App.Hosting;

/// <summary>
/// Thrown by a queue function that wants its message tried again after a given delay (a provider's
/// Retry-After, say) rather than after host.json's visibilityTimeout. The try still counts towards
/// maxDequeueCount.
/// </summary>
public sealed class RetryAfterException : Exception
{
    public RetryAfterException(TimeSpan delay, string? message = null, Exception? innerException = null)
        : base(message ?? $"Retry after {delay}.", innerException)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        Delay = delay;
    }

    public TimeSpan Delay { get; }
}
