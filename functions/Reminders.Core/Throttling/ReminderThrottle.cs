using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Reminders.Core.Notifications;

namespace Reminders.Core.Throttling;

/// <summary>
/// Decides whether a reminder goes out now, later or never. A pure function of the reminder, the buyer's
/// history and the time: the same request always gets the same answer, so retries and replays agree.
/// </summary>
public static class ReminderThrottle
{
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);

    public static ThrottleDecision Decide(ThrottleRequest request, ThrottleSettings settings)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.BuyerDailyCap < 1)
            throw new ArgumentOutOfRangeException(nameof(settings), "BuyerDailyCap must be at least 1.");

        var choice = ChannelChooser.Choose(settings.ChannelOrder, request.Contacts, request.OptedOut, request.FailedChannels);
        if (choice.Channel is not { } channel)
            return new ThrottleDecision.Suppress(choice.SuppressReason!, DescribeNoChannel(choice));

        // payment_failed answers the buyer's own action seconds ago: transactional, and not held for the night.
        var transactional = request.IsTransactional || request.Kind == ReminderKind.PaymentFailed;
        var quietHoursApply = settings.QuietHoursEnabled && request.Kind != ReminderKind.PaymentFailed;
        var zone = BuyerTimeZones.Resolve(request.BuyerTimeZoneId, settings.DefaultTimeZoneId);

        var at = request.Now;
        var holds = new List<(string Reason, string Words)>();
        // Each rule only moves the time forward, so this settles; a few rounds cover every combination.
        for (var round = 0; round < 10; round++)
        {
            var moved = false;
            if (!transactional && MinIntervalEnd(request.OrderSendTimes, settings.MinInterval) is { } intervalEnd && intervalEnd > at)
            {
                at = intervalEnd;
                moved = true;
                holds.Add((ThrottleReasons.MinInterval,
                    $"this order was reminded at {Utc(intervalEnd - settings.MinInterval)} and needs {settings.MinInterval} between reminders"));
            }
            if (!transactional && CapEnd(request.BuyerSendTimesLast24Hours, settings.BuyerDailyCap, at) is { } capEnd && capEnd > at)
            {
                at = capEnd;
                moved = true;
                holds.Add((ThrottleReasons.BuyerDailyCap,
                    $"the buyer already had {settings.BuyerDailyCap} reminders in the 24 hours before; the oldest leaves that window at {Utc(capEnd)}"));
            }
            if (quietHoursApply && IsQuiet(at, zone, settings))
            {
                at = QuietHoursEnd(at, zone, settings) + Jitter(request.ReminderId, settings);
                moved = true;
                holds.Add((ThrottleReasons.QuietHours,
                    $"quiet hours {settings.QuietHoursStart:HH\\:mm}-{settings.QuietHoursEnd:HH\\:mm} in {zone.Id}"));
            }
            if (!moved) break;
        }

        if (holds.Count == 0) return new ThrottleDecision.Send(channel);
        var local = TimeZoneInfo.ConvertTime(at, zone);
        var reasons = holds.DistinctBy(h => h.Reason).Select(h => h.Words);
        var description = string.Create(CultureInfo.InvariantCulture,
            $"Held until {Utc(at)} ({local:yyyy-MM-dd HH:mm} {zone.Id}): {string.Join("; then ", reasons)}.");
        return new ThrottleDecision.Defer(at, holds[0].Reason, description);
    }

    /// <summary>Whether the buyer's local clock shows a time inside quiet hours at <paramref name="instant"/>.</summary>
    public static bool IsQuiet(DateTimeOffset instant, TimeZoneInfo zone, ThrottleSettings settings)
    {
        if (!settings.QuietHoursEnabled) return false;
        var time = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);
        return time.IsBetween(settings.QuietHoursStart, settings.QuietHoursEnd);
    }

    /// <summary>The first instant after <paramref name="instant"/> (which is inside quiet hours) at which they are over.</summary>
    public static DateTimeOffset QuietHoursEnd(DateTimeOffset instant, TimeZoneInfo zone, ThrottleSettings settings)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone).DateTime;
        var endDate = TimeOnly.FromDateTime(local) < settings.QuietHoursEnd ? local.Date : local.Date.AddDays(1);
        return BuyerTimeZones.ToInstant(endDate + settings.QuietHoursEnd.ToTimeSpan(), zone, instant);
    }

    /// <summary>
    /// A spread in [0, MaxJitter) derived from the reminder id, so that a retry computes the same time and
    /// reminders held overnight do not all leave in the same second. Never longer than the time between
    /// the end and the next start of quiet hours, so the spread cannot carry a reminder back into them.
    /// </summary>
    public static TimeSpan Jitter(string reminderId, ThrottleSettings settings)
    {
        ArgumentNullException.ThrowIfNull(reminderId);
        var bound = settings.MaxJitter;
        if (settings.QuietHoursEnabled)
        {
            var open = settings.QuietHoursStart - settings.QuietHoursEnd;
            if (open < bound) bound = open;
        }
        var seconds = (ulong)bound.TotalSeconds;
        if (seconds == 0) return TimeSpan.Zero;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(reminderId));
        return TimeSpan.FromSeconds(BitConverter.ToUInt64(hash, 0) % seconds);
    }

    private static DateTimeOffset? MinIntervalEnd(IReadOnlyList<DateTimeOffset> orderSends, TimeSpan minInterval) =>
        orderSends.Count == 0 ? null : orderSends.Max() + minInterval;

    /// <summary>The earliest time at or after <paramref name="at"/> when fewer than <paramref name="cap"/> sends lie in the 24 hours before it.</summary>
    private static DateTimeOffset? CapEnd(IReadOnlyList<DateTimeOffset> buyerSends, int cap, DateTimeOffset at)
    {
        var counted = buyerSends.Where(sent => sent > at - Day).Order().ToList();
        if (counted.Count < cap) return null;
        // Enough of the oldest must leave the window that cap - 1 remain.
        return counted[counted.Count - cap] + Day;
    }

    private static string DescribeNoChannel(ChannelChoice choice)
    {
        var parts = choice.Skipped.Select(s => $"{s.Channel.ToWire()} {s.Reason.Replace('_', ' ')}");
        var lead = choice.SuppressReason == ThrottleReasons.OptedOut
            ? "The buyer opted out of every channel they can be reached on"
            : "No channel can reach the buyer";
        return $"{lead} ({string.Join(", ", parts)}).";
    }

    private static string Utc(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
