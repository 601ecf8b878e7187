using Reminders.Core.Notifications;
using Reminders.Core.Throttling;
using static Reminders.Core.Tests.Throttling.ThrottleTestData;

namespace Reminders.Core.Tests.Throttling;

public sealed class ThrottleSettingsTests
{
    [Fact]
    public void Defaults_are_the_documented_ones_and_valid()
    {
        var settings = new ThrottleSettings();
        Assert.Equal("Asia/Shanghai", settings.DefaultTimeZoneId);
        Assert.Equal((new TimeOnly(22, 0), new TimeOnly(8, 0)), (settings.QuietHoursStart, settings.QuietHoursEnd));
        Assert.Equal(2, settings.BuyerDailyCap);
        Assert.Equal(TimeSpan.FromHours(2), settings.MinInterval);
        Assert.Equal([Channel.Push, Channel.Sms, Channel.Email], settings.ChannelOrder);
        Assert.Empty(settings.Validate());
    }

    [Fact]
    public void Problems_name_the_setting()
    {
        var settings = new ThrottleSettings
        {
            DefaultTimeZoneId = "Nowhere/Town",
            BuyerDailyCap = 0,
            MinInterval = TimeSpan.FromHours(-1),
            ChannelOrder = [Channel.Sms, Channel.Sms],
        };
        var problems = settings.Validate();
        Assert.Equal(4, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("Reminders__DefaultTimeZone:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Reminders__BuyerDailyCap:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Reminders__MinInterval:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Reminders__Channels:", StringComparison.Ordinal));
    }

    [Fact]
    public void Deciding_with_a_cap_below_one_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            ReminderThrottle.Decide(Request(Utc(2026, 1, 5, 4)), new ThrottleSettings { BuyerDailyCap = 0 }));
    }
}
