using Microsoft.Extensions.Time.Testing;
using Reminders.Core.Throttling;
using Reminders.TestSupport;
using static Reminders.Core.Tests.Throttling.ThrottleTestData;

namespace Reminders.Core.Tests.Throttling;

public sealed class JitterAndRetryTests
{
    private static readonly ThrottleSettings Settings = new();

    [Fact]
    public void Jitter_is_the_same_for_the_same_reminder()
    {
        Assert.Equal(ReminderThrottle.Jitter("rem-42", Settings), ReminderThrottle.Jitter("rem-42", Settings));
    }

    [Fact]
    public void Jitter_is_bounded_and_spread()
    {
        var values = Enumerable.Range(0, 200).Select(i => ReminderThrottle.Jitter($"order-{i}:payment_due:1", Settings)).ToList();
        Assert.All(values, v => Assert.InRange(v, TimeSpan.Zero, Settings.MaxJitter - TimeSpan.FromSeconds(1)));
        Assert.True(values.Distinct().Count() > 100, "jitter should spread reminders over the window");
        Assert.True(values.Max() > TimeSpan.FromMinutes(8) && values.Min() < TimeSpan.FromMinutes(2));
    }

    [Fact]
    public void Jitter_never_reaches_past_the_open_hours_between_two_quiet_windows()
    {
        // Open only from 08:00 to 08:05: a 10-minute spread would carry reminders into the next quiet window.
        var settings = Settings with { QuietHoursStart = new(8, 5), QuietHoursEnd = new(8, 0) };
        var values = Enumerable.Range(0, 200).Select(i => ReminderThrottle.Jitter($"r{i}", settings)).ToList();
        Assert.All(values, v => Assert.True(v < TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void No_jitter_when_it_is_set_to_zero()
    {
        Assert.Equal(TimeSpan.Zero, ReminderThrottle.Jitter("rem-42", Settings with { MaxJitter = TimeSpan.Zero }));
    }

    [Fact]
    public void A_deferred_reminder_retried_later_gets_the_same_time_and_is_sent_once_it_comes()
    {
        var clock = new FakeTimeProvider(Local("Asia/Shanghai", 2026, 1, 5, 23, 30));
        var first = Assert.IsType<ThrottleDecision.Defer>(ReminderThrottle.Decide(Request(clock.GetUtcNow()), Settings));

        clock.Advance(TimeSpan.FromHours(3));
        var retry = Assert.IsType<ThrottleDecision.Defer>(ReminderThrottle.Decide(Request(clock.GetUtcNow()), Settings));
        Assert.Equal(first.Until, retry.Until);

        clock.SetUtcNow(first.Until);
        Assert.IsType<ThrottleDecision.Send>(ReminderThrottle.Decide(Request(clock.GetUtcNow()), Settings));
    }
}
