using Reminders.Core.Throttling;
using static Reminders.Core.Tests.Throttling.ThrottleTestData;

namespace Reminders.Core.Tests.Throttling;

/// <summary>Quiet hours across DST changes. New York: 2026-03-08 02:00 EST -> 03:00 EDT; 2026-11-01 02:00 EDT -> 01:00 EST.</summary>
public sealed class DaylightSavingTests
{
    private const string NewYork = "America/New_York";
    private static readonly ThrottleSettings NoJitter = new() { MaxJitter = TimeSpan.Zero };

    [Fact]
    public void Spring_forward_inside_quiet_hours_ends_them_at_eight_daylight_time()
    {
        var now = Utc(2026, 3, 8, 3); // 22:00 EST on the 7th
        var defer = AssertDefer(ReminderThrottle.Decide(Request(now, NewYork), NoJitter), ThrottleReasons.QuietHours);
        Assert.Equal(Utc(2026, 3, 8, 12), defer.Until); // 08:00 EDT (UTC-4), not 13:00Z
    }

    [Fact]
    public void Fall_back_inside_quiet_hours_ends_them_at_eight_standard_time()
    {
        var now = Utc(2026, 11, 1, 2, 30); // 22:30 EDT on 31 October
        var defer = AssertDefer(ReminderThrottle.Decide(Request(now, NewYork), NoJitter), ThrottleReasons.QuietHours);
        Assert.Equal(Utc(2026, 11, 1, 13), defer.Until); // 08:00 EST (UTC-5)
    }

    [Fact]
    public void Southern_hemisphere_spring_forward_inside_quiet_hours()
    {
        // Auckland: 2026-09-27 02:00 NZST -> 03:00 NZDT.
        var now = Utc(2026, 9, 26, 11); // 23:00 NZST on the 26th
        var defer = AssertDefer(ReminderThrottle.Decide(Request(now, "Pacific/Auckland"), NoJitter), ThrottleReasons.QuietHours);
        Assert.Equal(Utc(2026, 9, 26, 19), defer.Until); // 08:00 NZDT (UTC+13)
    }

    [Fact]
    public void An_end_in_the_skipped_hour_maps_to_the_moment_the_clocks_jump()
    {
        var settings = NoJitter with { QuietHoursEnd = new(2, 30) };
        var zone = TimeZoneInfo.FindSystemTimeZoneById(NewYork);
        var now = Utc(2026, 3, 8, 4); // 23:00 EST on the 7th
        var defer = AssertDefer(ReminderThrottle.Decide(Request(now, NewYork), settings), ThrottleReasons.QuietHours);

        // 02:30 never shows on the clock that night; at 07:00Z it jumps from 01:59:59 EST to 03:00 EDT.
        Assert.Equal(Utc(2026, 3, 8, 7), defer.Until);
        Assert.True(ReminderThrottle.IsQuiet(defer.Until.AddSeconds(-1), zone, settings));
        Assert.False(ReminderThrottle.IsQuiet(defer.Until, zone, settings));
    }

    [Fact]
    public void An_end_in_the_repeated_hour_maps_to_its_first_showing_after_now()
    {
        var settings = NoJitter with { QuietHoursEnd = new(1, 30) };

        var beforeBoth = Utc(2026, 11, 1, 3); // 23:00 EDT on 31 October
        var first = AssertDefer(ReminderThrottle.Decide(Request(beforeBoth, NewYork), settings), ThrottleReasons.QuietHours);
        Assert.Equal(Utc(2026, 11, 1, 5, 30), first.Until); // 01:30 EDT

        var inRepeat = Utc(2026, 11, 1, 6, 10); // 01:10 EST, the second time the clock shows 01:10
        var second = AssertDefer(ReminderThrottle.Decide(Request(inRepeat, NewYork), settings), ThrottleReasons.QuietHours);
        Assert.Equal(Utc(2026, 11, 1, 6, 30), second.Until); // 01:30 EST, never back in time
    }

    [Fact]
    public void Jitter_after_the_first_showing_of_a_repeated_end_that_lands_in_the_repeat_moves_on()
    {
        // Quiet until 01:30 with 45 minutes of spread: 01:30 EDT + jitter may land in 01:00-01:30 EST, which is quiet again.
        var settings = new ThrottleSettings { QuietHoursEnd = new(1, 30), MaxJitter = TimeSpan.FromMinutes(45) };
        var zone = TimeZoneInfo.FindSystemTimeZoneById(NewYork);
        var movedPastRepeat = 0;
        for (var i = 0; i < 40; i++)
        {
            var request = Request(Utc(2026, 11, 1, 3), NewYork) with { ReminderId = $"rem-{i}" };
            var defer = Assert.IsType<ThrottleDecision.Defer>(ReminderThrottle.Decide(request, settings));
            Assert.False(ReminderThrottle.IsQuiet(defer.Until, zone, settings));
            Assert.True(defer.Until >= Utc(2026, 11, 1, 5, 30));
            if (defer.Until >= Utc(2026, 11, 1, 6, 30)) movedPastRepeat++;
        }
        Assert.True(movedPastRepeat > 0, "some reminders' jitter lands in the repeated hour and must move past it");
    }
}
