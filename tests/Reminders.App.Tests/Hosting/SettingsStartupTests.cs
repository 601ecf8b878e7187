using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Reminders.App.Tests.Support;

namespace Reminders.App.Tests.Hosting;

/// <summary>The app as run.sh starts it (the local host, settings on the command line): a bad setting of any section stops it, named.</summary>
public sealed class SettingsStartupTests
{
    private static readonly Dictionary<string, string> Good = new()
    {
        ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
        ["Webhooks:Orders:Secret"] = ReminderAppFactory.OrdersSecretSetting,
        ["Webhooks:Payments:Secret"] = ReminderAppFactory.PaymentsSecretSetting,
        ["Admin:Keys"] = ReminderAppFactory.AdminKey,
        ["Unsubscribe:Secret"] = "unsubscribe-secret-for-tests",
    };

    private static Microsoft.AspNetCore.Builder.WebApplication Build(params (string Key, string Value)[] settings)
    {
        var all = new Dictionary<string, string>(Good, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in settings) all[key.Replace("__", ":", StringComparison.Ordinal)] = value;
        string[] args = ["--environment=Testing", "--urls=http://127.0.0.1:0", .. all.Select(s => $"--{s.Key}={s.Value}")];
        return ReminderApp.BuildLocal(args);
    }

    [Fact]
    public async Task Good_settings_pass_the_start_up_checks()
    {
        await using var app = Build();

        app.Services.GetRequiredService<IStartupValidator>().Validate();
    }

    [Theory]
    [InlineData("Reminders__PaymentDue__Steps", "00:30:00,,06:00:00")]
    [InlineData("Reminders__PaymentDue__Steps", "06:00:00,00:30:00")]
    [InlineData("Reminders__BuyerDailyCap", "0")]
    [InlineData("Reminders__MaxJitter", "-00:01:00")]
    [InlineData("Reminders__PublicBaseUrl", "ftp://example.com")]
    [InlineData("Webhooks__Orders__Secret", "not-a-secret")]
    [InlineData("Webhooks__Payments__Secret", "")]
    [InlineData("Webhooks__StoreTimeout", "soon")]
    [InlineData("Webhooks__StoreTimeout", "00:00:00")]
    [InlineData("Dashboard__ActivityFlushInterval", "-00:00:05")]
    [InlineData("Reports__AttributionWindow", "00:00:00")]
    [InlineData("Reports__AttributionWindow", "a day")]
    [InlineData("Merchants__m-1__AlertEmail", "nobody")]
    [InlineData("Merchants__Default__LinkTemplate", "/orders/{orderId}")]
    [InlineData("Delivery__MaxRetries", "many")]
    [InlineData("Delivery__MaxRetries", "-1")]
    [InlineData("Unsubscribe__Secret", "short")]
    [InlineData("Channels__Sms__Provider", "fax")]
    public async Task A_bad_value_stops_the_app_naming_the_setting(string setting, string value)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var app = Build((setting, value)); // the channel providers are read while registering
            await app.StartAsync();
        });

        Assert.True(error is OptionsValidationException or AggregateException or InvalidOperationException, error.ToString());
        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_an_unsubscribe_secret_the_app_does_not_start()
    {
        var error = Assert.ThrowsAny<Exception>(() => Build(("Unsubscribe__Secret", "")));

        Assert.Contains("Unsubscribe__Secret", error.Message, StringComparison.Ordinal);
    }
}
