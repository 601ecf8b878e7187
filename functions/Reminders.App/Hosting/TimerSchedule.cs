using NCrontab;

namespace Reminders.App.Hosting;

/// <summary>
/// An NCRONTAB schedule as the Functions host reads it: six fields
/// <c>{second} {minute} {hour} {day} {month} {day-of-week}</c>, or five without seconds; occurrences in UTC.
/// </summary>
public sealed class TimerSchedule
{
    private readonly CrontabSchedule _schedule;

    private TimerSchedule(string expression, CrontabSchedule schedule)
    {
        Expression = expression;
        _schedule = schedule;
    }

    public string Expression { get; }

    public static TimerSchedule Parse(string expression)
    {
        if (TryParse(expression, out var schedule, out var error)) return schedule;
        throw new FormatException(error);
    }

    public static bool TryParse(string? expression, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TimerSchedule? schedule, out string error)
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
        schedule = new TimerSchedule(normalized, parsed);
        error = "";
        return true;
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/>, in UTC.</summary>
    public DateTimeOffset GetNextOccurrence(DateTimeOffset after)
    {
        var next = _schedule.GetNextOccurrence(after.UtcDateTime);
        return new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc));
    }

    /// <summary>
    /// True when two occurrences following <paramref name="now"/> are less than a minute apart. The Functions
    /// host turns the schedule monitor off for such schedules: catching up on them is pointless.
    /// </summary>
    public bool IsMoreFrequentThanOncePerMinute(DateTimeOffset now)
    {
        var first = GetNextOccurrence(now);
        return GetNextOccurrence(first) - first < TimeSpan.FromMinutes(1);
    }

    public override string ToString() => Expression;
}
