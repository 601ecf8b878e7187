using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Reminders.App.Hosting;
using Reminders.Channels.Settings;
using Reminders.Core.Notifications;
using Reminders.Core.Settings;

namespace Reminders.App.Tests.Hosting;

/// <summary>The Reminders__* settings as the binder reads them into <see cref="ReminderOptions"/> and Core's settings.</summary>
public sealed class ReminderOptionsTests
{
    private static ReminderOptions Bind(params (string Key, string? Value)[] values)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key.Replace("__", ":", StringComparison.Ordinal), v.Value)))
            .Build();
        var services = new ServiceCollection();
        services.AddSettings<ReminderOptions>(configuration, ReminderOptions.Section);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<ReminderOptions>>().Value;
    }

    private static string Refused(params (string Key, string? Value)[] values) =>
        Assert.Throws<OptionsValidationException>(() => Bind(values)).Message;

    [Fact]
    public void Without_settings_the_defaults_are_Cores()
    {
        var options = Bind();

        var defaults = new ReminderSettings();
        var settings = options.ToReminderSettings();
        Assert.Equal(defaults.PaymentDueSteps, settings.PaymentDueSteps);
        Assert.Equal(defaults.ConfirmReceiptSteps, settings.ConfirmReceiptSteps);
        Assert.Equal(defaults.PayLaterSteps, settings.PayLaterSteps);
        Assert.Equal(defaults.Channels, settings.Channels);
        Assert.Equal(defaults with { PayLaterSteps = [], PaymentDueSteps = [], ConfirmReceiptSteps = [], Channels = [] },
            settings with { PayLaterSteps = [], PaymentDueSteps = [], ConfirmReceiptSteps = [], Channels = [] });
        Assert.Equal(TimeSpan.FromMinutes(10), options.ToThrottleSettings().MaxJitter);
        Assert.Equal(new Uri("http://localhost:7071"), options.PublicBaseUrl);
    }

    [Fact]
    public void Documented_default_strings_bind_to_the_defaults()
    {
        var settings = Bind(
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
            ("Reminders__Refund__Window", "3.00:00:00")).ToReminderSettings();

        var defaults = new ReminderSettings();
        Assert.Equal(defaults.PayLaterSteps, settings.PayLaterSteps);
        Assert.Equal(defaults.PaymentDueSteps, settings.PaymentDueSteps);
        Assert.Equal(defaults.ConfirmReceiptSteps, settings.ConfirmReceiptSteps);
        Assert.Equal(defaults.Channels, settings.Channels);
        Assert.Equal(defaults with { PayLaterSteps = [], PaymentDueSteps = [], ConfirmReceiptSteps = [], Channels = [] },
            settings with { PayLaterSteps = [], PaymentDueSteps = [], ConfirmReceiptSteps = [], Channels = [] });
    }

    [Fact]
    public void Seconds_long_and_negative_steps_bind_with_spaces_around_items()
    {
        var s = Bind(
            ("Reminders__PayLater__Steps", "-00:00:20, -00:00:10,00:00:00 ,00:00:10"),
            ("Reminders__PaymentDue__Steps", "00:00:05,00:00:15"),
            ("Reminders__PaymentDue__Window", "00:00:30"),
            ("Reminders__ConfirmReceipt__Steps", "00:00:10,00:00:20.5"),
            ("Reminders__ConfirmReceipt__AutoConfirmAfter", "00:00:40"),
            ("Reminders__MinInterval", "00:00:03"),
            ("Reminders__Channels", " sms , EMAIL "),
            ("Reminders__QuietHours__Start", "00:00"),
            ("Reminders__QuietHours__End", "00:00")).ToReminderSettings();

        Assert.Equal([TimeSpan.FromSeconds(-20), TimeSpan.FromSeconds(-10), TimeSpan.Zero, TimeSpan.FromSeconds(10)], s.PayLaterSteps);
        Assert.Equal([TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15)], s.PaymentDueSteps);
        Assert.Equal(TimeSpan.FromSeconds(30), s.PaymentDueWindow);
        Assert.Equal([TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20.5)], s.ConfirmReceiptSteps);
        Assert.Equal(TimeSpan.FromSeconds(40), s.ConfirmReceiptAutoConfirmAfter);
        Assert.Equal(TimeSpan.FromSeconds(3), s.MinInterval);
        Assert.Equal([Channel.Sms, Channel.Email], s.Channels);
        Assert.False(s.HasQuietHours);
    }

    [Fact]
    public void An_empty_step_list_is_no_steps()
    {
        Assert.Empty(Bind(("Reminders__ConfirmReceipt__Steps", "")).ToReminderSettings().ConfirmReceiptSteps);
    }

    [Theory]
    [InlineData("Reminders__MinInterval", "2h")]
    [InlineData("Reminders__PaymentDue__Window", "1 day")]
    [InlineData("Reminders__PaymentDue__Steps", "00:30:00,,06:00:00")]
    [InlineData("Reminders__PayLater__Steps", "-3.00:00:00;00:00:00")]
    [InlineData("Reminders__QuietHours__Start", "25:00")]
    [InlineData("Reminders__BuyerDailyCap", "two")]
    [InlineData("Reminders__Channels", "push,fax")]
    [InlineData("Reminders__Channels", "push,7")]
    [InlineData("Reminders__MaxJitter", "soon")]
    [InlineData("Reminders__PublicBaseUrl", "ftp://example.com")]
    public void A_value_that_does_not_bind_is_refused_naming_the_setting(string key, string value)
    {
        Assert.Contains(key, Refused((key, value)));
    }

    [Theory]
    [InlineData("Reminders__PaymentDue__Window", "00:10:00", "Reminders__PaymentDue__Steps")]
    [InlineData("Reminders__ConfirmReceipt__Steps", "7.00:00:00,3.00:00:00", "Reminders__ConfirmReceipt__Steps")]
    [InlineData("Reminders__DefaultTimeZone", "Atlantis/Capital", "Reminders__DefaultTimeZone")]
    [InlineData("Reminders__Channels", "sms,sms", "Reminders__Channels")]
    [InlineData("Reminders__BuyerDailyCap", "0", "Reminders__BuyerDailyCap")]
    [InlineData("Reminders__MaxJitter", "-00:01:00", "Reminders__MaxJitter")]
    public void Cores_rules_refuse_inconsistent_settings_naming_the_setting(string key, string value, string named)
    {
        var message = Refused((key, value));

        Assert.StartsWith(named + ":", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Reminders: ", message, StringComparison.Ordinal);
    }
}
