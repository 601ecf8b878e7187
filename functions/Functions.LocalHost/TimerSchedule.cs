using System.Diagnostics.CodeAnalysis;
using NCrontab;

namespace Functions.LocalHost;

/// <summary>
/// An NCRONTAB schedule as the Functions host reads it (with NCrontab, as the host does): six fields
/// <c>{second} {minute} {hour} {day} {month} {day-of-week}</c>, or five without seconds; occurrences in UTC, or in
/// the wall-clock time of another zone (WEBSITE_TIME_ZONE).
/// </summary>
internal sealed class TimerSchedule
{
    private readonly CrontabSchedule _schedule;

    private TimerSchedule(string expression, CrontabSchedule schedule, TimeZoneInfo zone)
    {
        Expression = expression;
        _schedule = schedule;
        Zone = zone;
    }

    public string Expression { get; }

    /// <summary>The zone whose wall clock the fields describe.</summary>
    public TimeZoneInfo Zone { get; }

    /// <summary>The same schedule read in another zone's wall-clock time.</summary>
    public TimerSchedule InZone(TimeZoneInfo zone) => new(Expression, _schedule, zone);

    public static TimerSchedule Parse(string expression) =>
        TryParse(expression, out var schedule, out var error) ? schedule : throw new FormatException(error);

    public static bool TryParse(string? expression, [NotNullWhen(true)] out TimerSchedule? schedule, out string error)
    {
        schedule = null;
        var fields = (expression ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length is not (5 or 6))
        {
            error = $"'{expression}' is not an NCRONTAB expression: it needs six fields ({{second}} {{minute}} {{hour}} {{day}} {{month}} {{day-of-week}}) or five without seconds.";
            return false;
        }
        var normalized = string.Join(' ', fields);
        var parsed = CrontabSchedule.TryParse(normalized, new CrontabSchedule.ParseOptions { IncludingSeconds = fields.Length == 6 });
        if (parsed is null)
        {
            error = $"'{expression}' is not a valid NCRONTAB expression.";
            return false;
        }
        schedule = new TimerSchedule(normalized, parsed, TimeZoneInfo.Utc);
        error = "";
        return true;
    }

    /// <summary>
    /// The first occurrence strictly after <paramref name="after"/>, in UTC. In a zone with daylight saving, a
    /// wall-clock time the clocks skip does not occur, and one they repeat occurs once, at its first showing.
    /// </summary>
    public DateTimeOffset GetNextOccurrence(DateTimeOffset after)
    {
        if (Zone == TimeZoneInfo.Utc)
        {
            return new DateTimeOffset(DateTime.SpecifyKind(_schedule.GetNextOccurrence(after.UtcDateTime), DateTimeKind.Utc));
        }
        var local = TimeZoneInfo.ConvertTime(after, Zone).DateTime;
        while (true)
        {
            local = _schedule.GetNextOccurrence(local);
            if (Zone.IsInvalidTime(local)) continue;
            // The larger offset is the earlier instant: the first showing of a repeated hour.
            IEnumerable<TimeSpan> offsets = Zone.IsAmbiguousTime(local)
                ? Zone.GetAmbiguousTimeOffsets(local).OrderByDescending(o => o)
                : [Zone.GetUtcOffset(local)];
            foreach (var offset in offsets)
            {
                var instant = new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), offset).ToUniversalTime();
                if (instant > after) return instant;
            }
        }
    }

    /// <summary>
    /// True when two occurrences following <paramref name="now"/> are less than a minute apart. The Functions host
    /// turns the schedule monitor off for such schedules: catching up on them is pointless.
    /// </summary>
    public bool IsMoreFrequentThanOncePerMinute(DateTimeOffset now)
    {
        var first = GetNextOccurrence(now);
        return GetNextOccurrence(first) - first < TimeSpan.FromMinutes(1);
    }

    public override string ToString() => Expression;
}
