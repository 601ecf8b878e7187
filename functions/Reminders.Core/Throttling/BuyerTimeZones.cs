namespace Reminders.Core.Throttling;

/// <summary>Finding a buyer's time zone and turning buyer-local wall-clock times into instants across DST changes.</summary>
public static class BuyerTimeZones
{
    /// <summary>The zone for an IANA (or Windows) id, or null when the id is empty or unknown here.</summary>
    public static TimeZoneInfo? TryFind(string? id) =>
        !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id.Trim(), out var zone) ? zone : null;

    /// <summary>The buyer's zone, else the default zone, else UTC.</summary>
    public static TimeZoneInfo Resolve(string? buyerZoneId, string defaultZoneId) =>
        TryFind(buyerZoneId) ?? TryFind(defaultZoneId) ?? TimeZoneInfo.Utc;

    /// <summary>
    /// The first instant at or after <paramref name="notBefore"/> at which the zone's clocks show
    /// <paramref name="wallClock"/>, handling the two DST cases:
    /// a wall-clock time skipped by a spring-forward maps to the moment the clocks jumped over it;
    /// a time shown twice after a fall-back maps to the earliest showing not before <paramref name="notBefore"/>.
    /// </summary>
    public static DateTimeOffset ToInstant(DateTime wallClock, TimeZoneInfo zone, DateTimeOffset notBefore)
    {
        wallClock = DateTime.SpecifyKind(wallClock, DateTimeKind.Unspecified);
        if (zone.IsAmbiguousTime(wallClock))
        {
            var showings = zone.GetAmbiguousTimeOffsets(wallClock)
                .Select(offset => new DateTimeOffset(wallClock, offset))
                .OrderBy(instant => instant.UtcTicks)
                .ToList();
            return showings.FirstOrDefault(instant => instant >= notBefore, showings[^1]);
        }
        if (zone.IsInvalidTime(wallClock))
            return MomentClocksPassed(wallClock, zone);
        return new DateTimeOffset(wallClock, zone.GetUtcOffset(wallClock));
    }

    /// <summary>The smallest instant whose local time is at or after a skipped wall-clock time: the DST jump itself.</summary>
    private static DateTimeOffset MomentClocksPassed(DateTime skipped, TimeZoneInfo zone)
    {
        // The offsets a day either side bracket the jump; local time only moves forward between them.
        var before = zone.GetUtcOffset(skipped.AddDays(-1));
        var after = zone.GetUtcOffset(skipped.AddDays(1));
        var asUtc = DateTime.SpecifyKind(skipped, DateTimeKind.Utc);
        long low = (asUtc - (before > after ? before : after)).Ticks;
        long high = (asUtc - (before > after ? after : before)).Ticks;
        while (high - low > TimeSpan.TicksPerSecond)
        {
            var middle = low + (high - low) / 2;
            var local = TimeZoneInfo.ConvertTime(new DateTimeOffset(middle, TimeSpan.Zero), zone).DateTime;
            if (local >= skipped) high = middle; else low = middle;
        }
        // The jump is on a whole second in (low, high], which is at most one second long: there is exactly one.
        var seconds = low / TimeSpan.TicksPerSecond + 1;
        return new DateTimeOffset(seconds * TimeSpan.TicksPerSecond, TimeSpan.Zero);
    }
}
