using Reminders.Core.Notifications;
using Reminders.Core.Throttling;
using static Reminders.Core.Tests.Throttling.ThrottleTestData;

namespace Reminders.Core.Tests.Throttling;

public sealed class QuietHoursTests
{
    private static readonly ThrottleSettings Settings = new();
    private static readonly ThrottleSettings NoJitter = new() { MaxJitter = TimeSpan.Zero };

    [Fact]
    public void Inside_quiet_hours_the_reminder_waits_for_their_end_plus_its_jitter()
    {
        var request = Request(Local("Asia/Shanghai", 2026, 1, 5, 23, 30));
        var defer = AssertDefer(ReminderThrottle.Decide(request, Settings), ThrottleReasons.QuietHours);
        var end = Utc(2026, 1, 6, 0); // 08:00 in Shanghai (UTC+8)
        Assert.Equal(end + ReminderThrottle.Jitter(request.ReminderId, Settings), defer.Until);
        Assert.InRange(defer.Until, end, end + Settings.MaxJitter - TimeSpan.FromTicks(1));
        Assert.Contains("quiet hours 22:00-08:00 in Asia/Shanghai", defer.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(21, 59, 59, false)]
    [InlineData(22, 0, 0, true)]
    [InlineData(2, 0, 0, true)]
    [InlineData(7, 59, 59, true)]
    [InlineData(8, 0, 0, false)]
    [InlineData(12, 0, 0, false)]
    public void A_window_crossing_midnight_starts_inclusive_and_ends_exclusive(int hour, int minute, int second, bool held)
    {
        var decision = ReminderThrottle.Decide(Request(Local("Asia/Shanghai", 2026, 1, 5, hour, minute, second)), NoJitter);
        Assert.Equal(held, decision is ThrottleDecision.Defer);
    }

    [Theory]
    [InlineData(12, 59, false)]
    [InlineData(13, 0, true)]
    [InlineData(13, 30, true)]
    [InlineData(14, 0, false)]
    [InlineData(23, 0, false)]
    public void A_window_within_one_day_holds_only_inside_it(int hour, int minute, bool held)
    {
        var settings = NoJitter with { QuietHoursStart = new(13, 0), QuietHoursEnd = new(14, 0) };
        var decision = ReminderThrottle.Decide(Request(Local("Asia/Shanghai", 2026, 1, 5, hour, minute)), settings);
        if (!held)
        {
            Assert.IsType<ThrottleDecision.Send>(decision);
            return;
        }
        var defer = AssertDefer(decision, ThrottleReasons.QuietHours);
        Assert.Equal(Local("Asia/Shanghai", 2026, 1, 5, 14), defer.Until);
    }

    [Fact]
    public void Equal_start_and_end_turn_quiet_hours_off()
    {
        var settings = Settings with { QuietHoursStart = new(0, 0), QuietHoursEnd = new(0, 0) };
        var decision = ReminderThrottle.Decide(Request(Local("Asia/Shanghai", 2026, 1, 5, 3)), settings);
        Assert.Equal(new ThrottleDecision.Send(Channel.Push), decision);
    }

    [Fact]
    public void Early_morning_inside_the_window_waits_for_the_same_morning()
    {
        var defer = AssertDefer(ReminderThrottle.Decide(Request(Local("Asia/Shanghai", 2026, 1, 6, 3)), NoJitter), ThrottleReasons.QuietHours);
        Assert.Equal(Local("Asia/Shanghai", 2026, 1, 6, 8), defer.Until);
    }

    [Theory]
    // One instant, 2026-01-05 12:00Z: evening in Shanghai, night in Auckland and Los Angeles' early morning.
    [InlineData("Asia/Shanghai", false, null)]                   // 20:00 CST
    [InlineData("Asia/Kolkata", false, null)]                    // 17:30 IST
    [InlineData("Pacific/Auckland", true, "2026-01-05T19:00Z")] // 01:00 NZDT (UTC+13) -> 08:00 NZDT
    [InlineData("America/Los_Angeles", true, "2026-01-05T16:00Z")] // 04:00 PST -> 08:00 PST
    public void Quiet_hours_are_kept_in_the_buyers_own_zone(string zone, bool held, string? until)
    {
        var decision = ReminderThrottle.Decide(Request(Utc(2026, 1, 5, 12), zone), NoJitter);
        if (!held)
        {
            Assert.IsType<ThrottleDecision.Send>(decision);
            return;
        }
        var defer = AssertDefer(decision, ThrottleReasons.QuietHours);
        Assert.Equal(DateTimeOffset.Parse(until!, System.Globalization.CultureInfo.InvariantCulture), defer.Until);
    }

    [Theory]
    [InlineData("Asia/Kolkata", "2026-01-05T17:00Z", "2026-01-06T02:30Z")]        // 22:30 IST (UTC+5:30)
    [InlineData("America/Los_Angeles", "2026-07-01T06:00Z", "2026-07-01T15:00Z")] // 23:00 PDT (UTC-7)
    [InlineData("Pacific/Auckland", "2026-07-01T11:00Z", "2026-07-01T20:00Z")]    // 23:00 NZST (UTC+12)
    [InlineData("Asia/Shanghai", "2026-07-01T15:00Z", "2026-07-02T00:00Z")]       // 23:00 CST (UTC+8)
    public void Zones_on_both_sides_of_utc_end_quiet_hours_at_local_eight(string zone, string now, string until)
    {
        var at = DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture);
        var defer = AssertDefer(ReminderThrottle.Decide(Request(at, zone), NoJitter), ThrottleReasons.QuietHours);
        Assert.Equal(DateTimeOffset.Parse(until, System.Globalization.CultureInfo.InvariantCulture), defer.Until);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Mars/Olympus_Mons")]
    public void Buyers_without_a_known_zone_get_the_default_zone(string? zone)
    {
        // 2026-01-05 15:00Z is 23:00 in Shanghai (the default) but 16:00 in Berlin.
        var now = Utc(2026, 1, 5, 15);
        AssertDefer(ReminderThrottle.Decide(Request(now, zone), NoJitter), ThrottleReasons.QuietHours);
        Assert.IsType<ThrottleDecision.Send>(ReminderThrottle.Decide(Request(now, zone), NoJitter with { DefaultTimeZoneId = "Europe/Berlin" }));
    }
}
