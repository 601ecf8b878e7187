using Reminders.Core.Notifications;

namespace Reminders.Core.Throttling;

/// <summary>What to do with a reminder now: send it, hold it until a later time, or drop it.</summary>
public abstract record ThrottleDecision
{
    private ThrottleDecision() { }

    public sealed record Send(Channel Channel) : ThrottleDecision;

    /// <param name="Until">The earliest time all rules allow the reminder.</param>
    /// <param name="Reason">Machine code of the first rule that held it (<see cref="ThrottleReasons"/>).</param>
    /// <param name="Description">Plain words for the operator's timeline.</param>
    public sealed record Defer(DateTimeOffset Until, string Reason, string Description) : ThrottleDecision;

    /// <param name="Reason">Machine code (<see cref="ThrottleReasons"/>).</param>
    /// <param name="Description">Plain words for the operator's timeline.</param>
    public sealed record Suppress(string Reason, string Description) : ThrottleDecision;
}

/// <summary>Machine codes of deferrals and suppressions, as they appear in the timeline's <c>reason</c>.</summary>
public static class ThrottleReasons
{
    public const string OptedOut = "opted_out";
    public const string NoReachableChannel = "no_reachable_channel";
    public const string QuietHours = "quiet_hours";
    public const string MinInterval = "min_interval";
    public const string BuyerDailyCap = "buyer_daily_cap";
}
