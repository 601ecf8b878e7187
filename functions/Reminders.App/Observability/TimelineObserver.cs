using Reminders.App.Orders;

namespace Reminders.App.Observability;

/// <summary>
/// Told by <see cref="OrderStore"/> after timeline entries of an order were durably written (the activity log
/// behind the dashboard's counts, the Service Bus outcome queue); every registered observer is told. Must be quick and must not do I/O on the caller's path.
/// </summary>
public interface ITimelineObserver
{
    void OnTimelineWritten(string orderId, IReadOnlyList<TimelineEntry> entries);
}

public static class TimelineObserverExtensions
{
    /// <summary>Tells every observer; whatever goes wrong in one never fails the order write that succeeded, nor keeps the others from being told.</summary>
    public static void NotifySafely(this IReadOnlyList<ITimelineObserver> observers, string orderId, IReadOnlyList<TimelineEntry> entries)
    {
        if (entries.Count == 0) return;
        foreach (var observer in observers)
        {
            try
            {
                observer.OnTimelineWritten(orderId, entries);
            }
#pragma warning disable CA1031 // the order is stored; activity counts and outcome publishing are best effort
            catch (Exception)
            {
            }
#pragma warning restore CA1031
        }
    }
}
