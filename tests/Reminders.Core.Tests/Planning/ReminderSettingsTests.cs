using Reminders.Core.Notifications;
using Reminders.Core.Settings;

namespace Reminders.Core.Tests.Planning;

public sealed class ReminderSettingsTests
{
    [Fact]
    public void Defaults_are_the_documented_ones_and_valid()
    {
        var settings = new ReminderSettings();

        Assert.Equal("Asia/Shanghai", settings.DefaultTimeZone);
        Assert.Equal(new TimeOnly(22, 0), settings.QuietHoursStart);
        Assert.Equal(new TimeOnly(8, 0), settings.QuietHoursEnd);
        Assert.True(settings.HasQuietHours);
        Assert.Equal(2, settings.BuyerDailyCap);
        Assert.Equal(TimeSpan.FromHours(2), settings.MinInterval);
        Assert.Equal([Channel.Push, Channel.Sms, Channel.Email], settings.Channels);
        Assert.Equal([TimeSpan.FromMinutes(30), TimeSpan.FromHours(6), TimeSpan.FromHours(22)], settings.PaymentDueSteps);
        Assert.Equal(TimeSpan.FromDays(1), settings.PaymentDueWindow);
        Assert.Equal([TimeSpan.FromDays(3), TimeSpan.FromDays(7)], settings.ConfirmReceiptSteps);
        Assert.Equal(TimeSpan.FromDays(10), settings.ConfirmReceiptAutoConfirmAfter);
        Assert.Equal([TimeSpan.FromDays(-3), TimeSpan.FromDays(-1), TimeSpan.Zero, TimeSpan.FromDays(1), TimeSpan.FromDays(3)], settings.PayLaterSteps);
        Assert.Equal(TimeSpan.FromDays(2), settings.SettlementWindow);
        Assert.Equal(TimeSpan.FromDays(3), settings.RefundWindow);
        Assert.Empty(settings.Validate());
    }

    public static TheoryData<string, ReminderSettings> Inconsistent => new()
    {
        { ReminderSettingNames.PaymentDueSteps, new() { PaymentDueSteps = [TimeSpan.FromHours(6), TimeSpan.FromMinutes(30)] } },
        { ReminderSettingNames.PaymentDueSteps, new() { PaymentDueSteps = [TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(30)] } },
        { ReminderSettingNames.PaymentDueSteps, new() { PaymentDueSteps = [TimeSpan.FromMinutes(30), TimeSpan.FromDays(1)] } },
        { ReminderSettingNames.PaymentDueSteps, new() { PaymentDueSteps = [TimeSpan.FromMinutes(-30)] } },
        { ReminderSettingNames.PaymentDueWindow, new() { PaymentDueWindow = TimeSpan.Zero, PaymentDueSteps = [] } },
        { ReminderSettingNames.ConfirmReceiptSteps, new() { ConfirmReceiptSteps = [TimeSpan.FromDays(7), TimeSpan.FromDays(3)] } },
        { ReminderSettingNames.ConfirmReceiptSteps, new() { ConfirmReceiptSteps = [TimeSpan.FromDays(3), TimeSpan.FromDays(11)] } },
        { ReminderSettingNames.ConfirmReceiptAutoConfirmAfter, new() { ConfirmReceiptAutoConfirmAfter = TimeSpan.FromDays(-1), ConfirmReceiptSteps = [] } },
        { ReminderSettingNames.PayLaterSteps, new() { PayLaterSteps = [TimeSpan.Zero, TimeSpan.FromDays(-1)] } },
        { ReminderSettingNames.SettlementWindow, new() { SettlementWindow = TimeSpan.Zero } },
        { ReminderSettingNames.RefundWindow, new() { RefundWindow = TimeSpan.FromSeconds(-5) } },
        { ReminderSettingNames.DefaultTimeZone, new() { DefaultTimeZone = "Atlantis/Capital" } },
        { ReminderSettingNames.BuyerDailyCap, new() { BuyerDailyCap = -1 } },
        { ReminderSettingNames.MinInterval, new() { MinInterval = TimeSpan.FromMinutes(-1) } },
        { ReminderSettingNames.Channels, new() { Channels = [] } },
        { ReminderSettingNames.Channels, new() { Channels = [Channel.Sms, Channel.Sms] } },
    };

    [Theory]
    [MemberData(nameof(Inconsistent))]
    public void Validate_names_the_inconsistent_setting(string setting, ReminderSettings settings)
    {
        Assert.Equal(setting, Assert.Single(settings.Validate()).Setting);
    }
}
