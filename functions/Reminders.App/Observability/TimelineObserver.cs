using Reminders.App.Orders;

namespace Reminders.App.Observability;

/// <summary>
/// Told by <see cref="OrderStore"/> after timeline entries of an order were durably written (the activity log
/// behind the dashboard's counts). Must be quick and must not do I/O on the caller's path.
/// </summary>
public interface ITimelineObserver
{
    void OnTimelineWritten(string orderId, IReadOnlyList<TimelineEntry> entries);
}

public static class TimelineObserverExtensions
{
    /// <summary>Tells the observer, if any; whatever goes wrong in it never fails the order write that succeeded.</summary>
    public static void NotifySafely(this ITimelineObserver? observer, string orderId, IReadOnlyList<TimelineEntry> entries)
    {
        if (observer is null || entries.Count == 0) return;
        try
        {
            observer.OnTimelineWritten(orderId, entries);
        }
#pragma warning disable CA1031 // the order is stored; its activity counts are best effort
        catch (Exception)
        {
        }
#pragma warning restore CA1031
    }
}
