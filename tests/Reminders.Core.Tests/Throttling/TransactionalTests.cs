using Reminders.Core.Notifications;
using Reminders.Core.Throttling;
using static Reminders.Core.Tests.Throttling.ThrottleTestData;

namespace Reminders.Core.Tests.Throttling;

public sealed class TransactionalTests
{
    private const string Shanghai = "Asia/Shanghai";
    private static readonly ThrottleSettings Settings = new() { MaxJitter = TimeSpan.Zero };

    private static ThrottleRequest Busy(DateTimeOffset now, ReminderKind kind, bool transactional) => Request(now, kind: kind) with
    {
        IsTransactional = transactional,
        OrderSendTimes = [now.AddMinutes(-10)],
        BuyerSendTimesLast24Hours = [now.AddMinutes(-10), now.AddHours(-3)],
    };

    [Fact]
    public void Payment_failed_goes_out_at_once_even_at_night_past_the_cap_and_interval()
    {
        var night = Local(Shanghai, 2026, 1, 5, 23, 30);
        Assert.Equal(new ThrottleDecision.Send(Channel.Push), ReminderThrottle.Decide(Busy(night, ReminderKind.PaymentFailed, true), Settings));
    }

    [Fact]
    public void Payment_failed_is_transactional_even_when_the_flag_was_forgotten()
    {
        var night = Local(Shanghai, 2026, 1, 5, 23, 30);
        Assert.IsType<ThrottleDecision.Send>(ReminderThrottle.Decide(Busy(night, ReminderKind.PaymentFailed, false), Settings));
    }

    [Fact]
    public void A_refund_status_notice_skips_the_cap_and_interval_by_day()
    {
        var noon = Local(Shanghai, 2026, 1, 5, 12);
        Assert.IsType<ThrottleDecision.Send>(ReminderThrottle.Decide(Busy(noon, ReminderKind.RefundStalled, true), Settings));
    }

    [Fact]
    public void A_refund_status_notice_waits_for_the_end_of_quiet_hours()
    {
        var night = Local(Shanghai, 2026, 1, 5, 23, 30);
        var defer = AssertDefer(ReminderThrottle.Decide(Busy(night, ReminderKind.RefundStalled, true), Settings), ThrottleReasons.QuietHours);
        Assert.Equal(Local(Shanghai, 2026, 1, 6, 8), defer.Until);
    }

    [Fact]
    public void The_same_reminder_not_marked_transactional_is_held_by_the_interval()
    {
        var noon = Local(Shanghai, 2026, 1, 5, 12);
        AssertDefer(ReminderThrottle.Decide(Busy(noon, ReminderKind.RefundStalled, false), Settings), ThrottleReasons.MinInterval);
    }
}
