using Reminders.Core.Notifications;
using Reminders.Core.Settings;

namespace Reminders.Core.Tests.Planning;

public sealed class ReminderSettingsTests
{
    private static ReminderSettingsParseResult Parse(params (string Key, string? Value)[] values) =>
        ReminderSettingsParser.Parse(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)));

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

    [Fact]
    public void Documented_default_strings_parse_to_the_defaults()
    {
        var result = Parse(
            ("Reminders__DefaultTimeZone", "Asia/Shanghai"),
            ("Reminders__QuietHours__Start", "22:00"),
            ("Reminders__QuietHours__End", "08:00"),
            ("Reminders__BuyerDailyCap", "2"),
            ("Reminders__MinInterval", "02:00:00"),
            ("Reminders__Channels", "push,sms,email"),
            ("Reminders__PaymentDue__Steps", "00:30:00,06:00:00,22:00:00"),
            ("Reminders__PaymentDue__Window", "1.00:00:00"),
            ("Reminders__ConfirmReceipt__Steps", "3.00:00:00,7.00:00:00"),
            ("Reminders__ConfirmReceipt__AutoConfirmAfter", "10.00:00:00"),
            ("Reminders__PayLater__Steps", "-3.00:00:00,-1.00:00:00,00:00:00,1.00:00:00,3.00:00:00"),
            ("Reminders__Settlement__Window", "2.00:00:00"),
            ("Reminders__Refund__Window", "3.00:00:00"));

        Assert.Empty(result.Errors);
        Assert.Empty(result.UnknownSettings);
        var defaults = new ReminderSettings();
        Assert.Equal(defaults.PayLaterSteps, result.Settings.PayLaterSteps);
        Assert.Equal(defaults.PaymentDueSteps, result.Settings.PaymentDueSteps);
        Assert.Equal(defaults.Channels, result.Settings.Channels);
        Assert.Equal(defaults with { PayLaterSteps = [], PaymentDueSteps = [], ConfirmReceiptSteps = [], Channels = [] },
            result.Settings with { PayLaterSteps = [], PaymentDueSteps = [], ConfirmReceiptSteps = [], Channels = [] });
    }

    [Fact]
    public void Seconds_long_and_negative_steps_parse_from_configuration_paths()
    {
        // As IConfiguration.GetSection("Reminders").AsEnumerable(makePathsRelative: true) gives them.
        var result = Parse(
            ("PayLater", null),
            ("PayLater:Steps", "-00:00:20, -00:00:10,00:00:00 ,00:00:10"),
            ("paymentdue:steps", "00:00:05,00:00:15"),
            ("PaymentDue:Window", "00:00:30"),
            ("ConfirmReceipt:Steps", "00:00:10,00:00:20.5"),
            ("ConfirmReceipt:AutoConfirmAfter", "00:00:40"),
            ("Reminders:MinInterval", "00:00:03"),
            ("Reminders__Settlement__Window", "00:00:45"),
            ("Refund:Window", "00:01:00"),
            ("Channels", " sms , email "),
            ("QuietHours:Start", "00:00"),
            ("QuietHours:End", "00:00"));

        Assert.Empty(result.Errors);
        var s = result.Settings;
        Assert.Equal([TimeSpan.FromSeconds(-20), TimeSpan.FromSeconds(-10), TimeSpan.Zero, TimeSpan.FromSeconds(10)], s.PayLaterSteps);
        Assert.Equal([TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15)], s.PaymentDueSteps);
        Assert.Equal(TimeSpan.FromSeconds(30), s.PaymentDueWindow);
        Assert.Equal([TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20.5)], s.ConfirmReceiptSteps);
        Assert.Equal(TimeSpan.FromSeconds(40), s.ConfirmReceiptAutoConfirmAfter);
        Assert.Equal(TimeSpan.FromSeconds(3), s.MinInterval);
        Assert.Equal(TimeSpan.FromSeconds(45), s.SettlementWindow);
        Assert.Equal(TimeSpan.FromMinutes(1), s.RefundWindow);
        Assert.Equal([Channel.Sms, Channel.Email], s.Channels);
        Assert.False(s.HasQuietHours);
    }

    [Theory]
    [InlineData("Reminders__MinInterval", "2h")]
    [InlineData("Reminders__MinInterval", "5")]
    [InlineData("Reminders__PaymentDue__Window", "1 day")]
    [InlineData("Reminders__PaymentDue__Steps", "00:30:00,,06:00:00")]
    [InlineData("Reminders__PayLater__Steps", "-3.00:00:00;00:00:00")]
    [InlineData("Reminders__QuietHours__Start", "25:00")]
    [InlineData("Reminders__QuietHours__End", "8pm")]
    [InlineData("Reminders__BuyerDailyCap", "two")]
    [InlineData("Reminders__Channels", "push,fax")]
    public void A_value_that_does_not_parse_is_an_error_naming_the_setting(string key, string value)
    {
        var result = Parse((key, value));

        Assert.False(result.IsValid);
        Assert.Equal(key, Assert.Single(result.Errors).Setting);
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

    [Fact]
    public void Parse_reports_validation_errors_too()
    {
        var result = Parse(("Reminders__PaymentDue__Window", "00:10:00"));

        Assert.Equal(ReminderSettingNames.PaymentDueSteps, Assert.Single(result.Errors).Setting);
    }

    [Fact]
    public void An_empty_step_list_is_no_steps()
    {
        var result = Parse(("Reminders__ConfirmReceipt__Steps", ""));

        Assert.Empty(result.Errors);
        Assert.Empty(result.Settings.ConfirmReceiptSteps);
    }

    [Fact]
    public void Unknown_keys_are_reported_by_flat_name()
    {
        var result = Parse(("PaymentDue:Stpes", "00:30:00"), ("Reminders:BuyerDailyCap", "3"));

        Assert.Equal(["Reminders__PaymentDue__Stpes"], result.UnknownSettings);
        Assert.Equal(3, result.Settings.BuyerDailyCap);
        Assert.True(result.IsValid);
    }
}
