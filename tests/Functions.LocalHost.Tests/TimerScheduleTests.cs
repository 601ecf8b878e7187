namespace Functions.LocalHost.Tests;

public sealed class TimerScheduleTests
{
    private static readonly DateTimeOffset Noon = new(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("0 */5 * * * *", "2026-01-05T12:05:00Z")]
    [InlineData("30 0 9 * * *", "2026-01-06T09:00:30Z")]
    [InlineData("0 0 12 * * *", "2026-01-06T12:00:00Z")]
    [InlineData("*/2 * * * * *", "2026-01-05T12:00:02Z")]
    [InlineData("0 0 0 * * 0", "2026-01-11T00:00:00Z")]
    [InlineData("*/5 * * * *", "2026-01-05T12:05:00Z")]
    [InlineData("  0   15  10  *  *  1-5 ", "2026-01-06T10:15:00Z")]
    public void Next_occurrence_is_strictly_after_the_given_time_in_utc(string expression, string expected)
    {
        var schedule = TimerSchedule.Parse(expression);

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), schedule.GetNextOccurrence(Noon));
    }

    [Fact]
    public void An_offset_time_is_read_as_the_same_instant_in_utc()
    {
        var schedule = TimerSchedule.Parse("0 0 12 * * *");
        var inShanghai = new DateTimeOffset(2026, 1, 5, 19, 0, 0, TimeSpan.FromHours(8)); // 11:00 UTC

        Assert.Equal(new DateTimeOffset(2026, 1, 5, 12, 0, 0, TimeSpan.Zero), schedule.GetNextOccurrence(inShanghai));
    }

    [Theory]
    [InlineData("")]
    [InlineData("* * * *")]
    [InlineData("* * * * * * *")]
    [InlineData("61 * * * * *")]
    [InlineData("0 0 25 * * *")]
    [InlineData("every minute")]
    public void Invalid_expressions_are_refused(string expression)
    {
        Assert.False(TimerSchedule.TryParse(expression, out _, out var error));
        Assert.Contains(expression.Trim().Length == 0 ? "NCRONTAB" : expression, error);
        Assert.Throws<FormatException>(() => TimerSchedule.Parse(expression));
    }

    [Theory]
    [InlineData("* * * * * *", true)]
    [InlineData("*/30 * * * * *", true)]
    [InlineData("0 * * * * *", false)]
    [InlineData("0 */5 * * * *", false)]
    [InlineData("*/5 * * * *", false)]
    public void Schedules_more_often_than_once_a_minute_are_recognised(string expression, bool expected) =>
        Assert.Equal(expected, TimerSchedule.Parse(expression).IsMoreFrequentThanOncePerMinute(Noon));
}

public sealed class TimerScheduleTimeZoneTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    [Fact]
    public void Fields_are_read_in_the_zone_s_wall_clock()
    {
        var nineInShanghai = TimerSchedule.Parse("0 0 9 * * *").InZone(Shanghai);

        // 09:00 in Shanghai is 01:00 UTC.
        Assert.Equal(new DateTimeOffset(2026, 1, 6, 1, 0, 0, TimeSpan.Zero),
            nineInShanghai.GetNextOccurrence(new DateTimeOffset(2026, 1, 5, 12, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void A_time_the_clocks_skip_does_not_occur_that_day()
    {
        // 2026-03-08: New York skips 02:00 to 03:00.
        var half2 = TimerSchedule.Parse("0 30 2 * * *").InZone(NewYork);
        var before = new DateTimeOffset(2026, 3, 8, 0, 0, 0, TimeSpan.FromHours(-5));

        Assert.Equal(new DateTimeOffset(2026, 3, 9, 2, 30, 0, TimeSpan.FromHours(-4)), half2.GetNextOccurrence(before));
    }

    [Fact]
    public void A_time_the_clocks_repeat_occurs_once_at_its_first_showing()
    {
        // 2026-11-01: New York repeats 01:00 to 02:00 (first at -04:00, then at -05:00).
        var half1 = TimerSchedule.Parse("0 30 1 * * *").InZone(NewYork);
        var before = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.FromHours(-4));

        var first = half1.GetNextOccurrence(before);
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 1, 30, 0, TimeSpan.FromHours(-4)), first);
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 1, 30, 0, TimeSpan.FromHours(-5)), half1.GetNextOccurrence(first));
    }
}
