using Reminders.Core.Notifications;
using Reminders.Core.Throttling;
using static Reminders.Core.Tests.Throttling.ThrottleTestData;

namespace Reminders.Core.Tests.Throttling;

public sealed class IntervalAndCapTests
{
    private const string Shanghai = "Asia/Shanghai";
    private static readonly ThrottleSettings Settings = new() { MaxJitter = TimeSpan.Zero };
    private static readonly DateTimeOffset Noon = Local(Shanghai, 2026, 1, 5, 12);

    [Fact]
    public void A_reminder_too_soon_after_the_orders_last_one_waits_for_the_minimum_interval()
    {
        var request = Request(Noon) with { OrderSendTimes = [Noon.AddHours(-3), Noon.AddHours(-1)] };
        var defer = AssertDefer(ReminderThrottle.Decide(request, Settings), ThrottleReasons.MinInterval);
        Assert.Equal(Noon.AddHours(1), defer.Until);
        Assert.Contains("02:00:00 between reminders", defer.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Exactly_the_minimum_interval_later_is_allowed()
    {
        var request = Request(Noon) with { OrderSendTimes = [Noon.AddHours(-2)] };
        Assert.Equal(new ThrottleDecision.Send(Channel.Push), ReminderThrottle.Decide(request, Settings));
    }

    [Fact]
    public void The_cap_counts_reminders_of_all_the_buyers_orders_and_waits_for_the_oldest_to_leave_the_window()
    {
        // One reminder for another order 20 h ago, one for this order 5 h ago: the cap of 2 is reached.
        var otherOrder = Noon.AddHours(-20);
        var thisOrder = Noon.AddHours(-5);
        var request = Request(Noon) with
        {
            OrderSendTimes = [thisOrder],
            BuyerSendTimesLast24Hours = [thisOrder, otherOrder],
        };
        var defer = AssertDefer(ReminderThrottle.Decide(request, Settings), ThrottleReasons.BuyerDailyCap);
        Assert.Equal(otherOrder.AddHours(24), defer.Until); // 08:00 next day, just outside quiet hours
    }

    [Fact]
    public void Over_the_cap_waits_until_enough_sends_have_left_the_window()
    {
        var sends = new[] { Noon.AddHours(-23), Noon.AddHours(-10), Noon.AddHours(-4) };
        var request = Request(Noon) with { BuyerSendTimesLast24Hours = sends };
        var defer = AssertDefer(ReminderThrottle.Decide(request, Settings with { QuietHoursStart = new(0, 0), QuietHoursEnd = new(0, 0) }), ThrottleReasons.BuyerDailyCap);
        Assert.Equal(Noon.AddHours(14), defer.Until); // the second oldest leaves: then one remains
    }

    [Fact]
    public void Sends_older_than_24_hours_do_not_count()
    {
        var request = Request(Noon) with { BuyerSendTimesLast24Hours = [Noon.AddHours(-24), Noon.AddHours(-30), Noon.AddHours(-1)] };
        Assert.IsType<ThrottleDecision.Send>(ReminderThrottle.Decide(request, Settings));
    }

    [Fact]
    public void Below_the_cap_is_sent()
    {
        var request = Request(Noon) with { BuyerSendTimesLast24Hours = [Noon.AddHours(-20), Noon.AddHours(-5)] };
        Assert.IsType<ThrottleDecision.Send>(ReminderThrottle.Decide(request, Settings with { BuyerDailyCap = 3 }));
    }

    [Fact]
    public void A_cap_deferral_that_lands_in_quiet_hours_moves_to_their_end()
    {
        // The oldest send leaves the window at 23:00 local: quiet, so 08:00 the day after plus jitter.
        var jittered = new ThrottleSettings();
        var request = Request(Noon) with { BuyerSendTimesLast24Hours = [Local(Shanghai, 2026, 1, 4, 23), Noon.AddHours(-1)] };
        var defer = AssertDefer(ReminderThrottle.Decide(request, jittered), ThrottleReasons.BuyerDailyCap);
        Assert.Equal(Local(Shanghai, 2026, 1, 6, 8) + ReminderThrottle.Jitter(request.ReminderId, jittered), defer.Until);
        Assert.Contains("then quiet hours", defer.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void A_minimum_interval_deferral_that_lands_in_quiet_hours_moves_to_their_end()
    {
        var evening = Local(Shanghai, 2026, 1, 5, 21);
        var request = Request(evening) with { OrderSendTimes = [evening.AddMinutes(-30)] };
        var defer = AssertDefer(ReminderThrottle.Decide(request, Settings), ThrottleReasons.MinInterval);
        Assert.Equal(Local(Shanghai, 2026, 1, 6, 8), defer.Until);
    }

    [Fact]
    public void The_end_of_quiet_hours_still_has_to_respect_the_minimum_interval()
    {
        // Reminded at 21:30; 12 hours must pass, which is after quiet hours end at 08:00.
        var settings = Settings with { MinInterval = TimeSpan.FromHours(12) };
        var night = Local(Shanghai, 2026, 1, 5, 23);
        var request = Request(night) with { OrderSendTimes = [Local(Shanghai, 2026, 1, 5, 21, 30)] };
        var defer = AssertDefer(ReminderThrottle.Decide(request, settings), ThrottleReasons.MinInterval);
        Assert.Equal(Local(Shanghai, 2026, 1, 6, 9, 30), defer.Until);
    }

    [Fact]
    public void The_end_of_quiet_hours_still_has_to_respect_the_cap()
    {
        var night = Local(Shanghai, 2026, 1, 5, 23);
        var request = Request(night) with { BuyerSendTimesLast24Hours = [Local(Shanghai, 2026, 1, 5, 8, 45), Local(Shanghai, 2026, 1, 5, 20)] };
        var defer = AssertDefer(ReminderThrottle.Decide(request, Settings), ThrottleReasons.BuyerDailyCap);
        Assert.Equal(Local(Shanghai, 2026, 1, 6, 8, 45), defer.Until);
    }

    [Fact]
    public void All_three_rules_together_give_a_time_that_satisfies_each()
    {
        var settings = new ThrottleSettings();
        var zone = TimeZoneInfo.FindSystemTimeZoneById(Shanghai);
        var night = Local(Shanghai, 2026, 1, 5, 22, 30);
        var orderSends = new[] { Local(Shanghai, 2026, 1, 5, 21) };
        var buyerSends = new[] { Local(Shanghai, 2026, 1, 5, 7, 0), orderSends[0] };
        var request = Request(night) with { OrderSendTimes = orderSends, BuyerSendTimesLast24Hours = buyerSends };

        var defer = Assert.IsType<ThrottleDecision.Defer>(ReminderThrottle.Decide(request, settings));

        Assert.False(ReminderThrottle.IsQuiet(defer.Until, zone, settings));
        Assert.True(defer.Until - orderSends.Max() >= settings.MinInterval);
        Assert.True(buyerSends.Count(s => s > defer.Until.AddHours(-24)) < settings.BuyerDailyCap);
        Assert.Equal(Local(Shanghai, 2026, 1, 6, 8) + ReminderThrottle.Jitter(request.ReminderId, settings), defer.Until);
    }
}
