using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Reminders.App.Delivery;
using Reminders.App.Merchants;
using Reminders.Channels;
using Reminders.Channels.Acs;
using Reminders.Channels.Smtp;
using Reminders.Channels.Twilio;

namespace Reminders.App.Tests.Delivery;

/// <summary>Start-up checks of the Channels__*, Merchants__* and unsubscribe settings: every problem names its setting.</summary>
public sealed class DeliverySettingsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection([new("Admin:Keys", "admin-key"), new("Unsubscribe:Secret", "unsubscribe-secret-for-tests")])
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key.Replace("__", ":", StringComparison.Ordinal), v.Value)))
            .Build();

    /// <summary>The delivery services as the app registers them, past the host's start-up validation.</summary>
    private static ServiceProvider Start(IConfiguration configuration)
    {
        var services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System);
        services.AddDelivery(configuration);
        var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();
        return provider;
    }

    /// <summary>Why start-up refuses these settings.</summary>
    private static string Refused(IConfiguration configuration)
    {
        var error = Assert.ThrowsAny<Exception>(() => Start(configuration).Dispose());
        Assert.True(error is OptionsValidationException or AggregateException or InvalidOperationException, error.ToString());
        return error.Message;
    }

    [Fact]
    public void Without_provider_settings_every_channel_uses_the_outbox()
    {
        using var services = Start(Config());

        Assert.Null(services.GetService<ISmsSender>());
        Assert.Null(services.GetService<IEmailSender>());
        Assert.Null(services.GetService<IPushSender>());
        Assert.Equal(new Uri("http://localhost:7071"), services.GetRequiredService<DeliverySettings>().PublicBaseUrl);
        Assert.Equal(TimeSpan.FromSeconds(30), services.GetRequiredService<IOptions<ChannelsOptions>>().Value.HttpTimeout);
    }

    [Theory]
    [InlineData("Channels__Sms__Provider", "carrier-pigeon", "Channels__Sms__Provider")]
    [InlineData("Channels__Sms__Provider", "7", "Channels__Sms__Provider")]
    [InlineData("Channels__Email__Provider", "fax", "Channels__Email__Provider")]
    [InlineData("Channels__Push__Provider", "acs", "Channels__Push__Provider")]
    [InlineData("Channels__HttpTimeout", "soon", "Channels__HttpTimeout")]
    [InlineData("Channels__HttpTimeout", "-00:00:01", "Channels__HttpTimeout")]
    [InlineData("Channels__HttpAttemptTimeout", "00:00:00", "Channels__HttpAttemptTimeout")]
    [InlineData("Channels__Email__From", "nobody", "Channels__Email__From")]
    [InlineData("Reminders__PublicBaseUrl", "ftp://example.com", "Reminders__PublicBaseUrl")]
    [InlineData("Unsubscribe__Secret", "short", "Unsubscribe__Secret")]
    public void A_bad_value_is_refused_naming_its_setting(string key, string value, string named)
    {
        Assert.Contains(named, Refused(Config((key, value))));
    }

    [Fact]
    public void A_chosen_provider_needs_its_settings_named_in_the_error_without_secrets()
    {
        var twilio = Refused(Config(("Channels__Sms__Provider", "twilio"), ("Channels__Sms__Twilio__AuthToken", "secret-token-value")));
        Assert.Contains("Channels__Sms__Twilio__AccountSid", twilio);
        Assert.Contains("Channels__Sms__Twilio__From", twilio);
        Assert.DoesNotContain("secret-token-value", twilio);

        var smtp = Refused(Config(("Channels__Email__Provider", "smtp"), ("Channels__Email__Smtp__Password", "secret-password")));
        Assert.Contains("Channels__Email__Smtp__Host", smtp);
        Assert.Contains("Channels__Email__From", smtp);
        Assert.Contains("Channels__Email__Smtp__User", smtp);
        Assert.DoesNotContain("secret-password", smtp);

        var acs = Refused(Config(("Channels__Sms__Provider", "acs"), ("Channels__Email__Provider", "acs")));
        Assert.Contains("Channels__Sms__Acs__ConnectionString", acs);
        Assert.Contains("Channels__Sms__Acs__From", acs);
        Assert.Contains("Channels__Email__Acs__ConnectionString", acs);
        Assert.Contains("Channels__Email__Acs__SenderAddress", acs);

        var fcm = Refused(Config(("Channels__Push__Provider", "fcm"), ("Channels__Push__Fcm__ServiceAccountJson", "{}")));
        Assert.Contains("Channels__Push__Fcm", fcm);
    }

    [Fact]
    public void A_number_that_is_not_one_is_refused_naming_its_setting()
    {
        var smtp = Refused(Config(
            ("Channels__Email__Provider", "smtp"), ("Channels__Email__From", "shop@example.com"),
            ("Channels__Email__Smtp__Host", "smtp.example.com"), ("Channels__Email__Smtp__Port", "many")));

        Assert.Contains("Channels__Email__Smtp__Port", smtp);
    }

    [Fact]
    public void Complete_provider_settings_are_read()
    {
        using var services = Start(Config(
            ("Channels__Sms__Provider", "TWILIO"),
            ("Channels__Sms__Twilio__AccountSid", "AC1"),
            ("Channels__Sms__Twilio__AuthToken", "token"),
            ("Channels__Sms__Twilio__MessagingServiceSid", "MG1"),
            ("Channels__Email__Provider", "smtp"),
            ("Channels__Email__From", "Shop <shop@example.com>"),
            ("Channels__Email__Smtp__Host", "smtp.example.com"),
            ("Channels__Email__Smtp__Port", "587"),
            ("Channels__Email__Smtp__User", "user"),
            ("Channels__Email__Smtp__Password", "pw"),
            ("Channels__Email__Smtp__StartTls", "true"),
            ("Channels__HttpTimeout", "00:00:05")));

        Assert.IsType<TwilioSmsSender>(services.GetRequiredService<ISmsSender>());
        Assert.IsType<SmtpEmailSender>(services.GetRequiredService<IEmailSender>());
        var twilio = services.GetRequiredService<IOptions<TwilioSmsOptions>>().Value;
        Assert.Equal(("AC1", "MG1", "token"), (twilio.AccountSid, twilio.MessagingServiceSid, services.GetRequiredService<DeliverySettings>().TwilioAuthToken));
        var smtp = services.GetRequiredService<IOptions<SmtpOptions>>().Value;
        Assert.Equal(("smtp.example.com", 587, true), (smtp.Host, smtp.Port, smtp.StartTls));
        Assert.Equal(TimeSpan.FromSeconds(5), services.GetRequiredService<IOptions<ChannelsOptions>>().Value.HttpTimeout);
    }

    [Fact]
    public void The_acs_email_sender_defaults_to_the_address_of_channels_email_from()
    {
        using var services = Start(Config(
            ("Channels__Email__Provider", "acs"),
            ("Channels__Email__From", "Shop <shop@example.com>"),
            ("Channels__Email__Acs__ConnectionString", "endpoint=https://contoso.communication.azure.com/;accesskey=c2VjcmV0")));

        Assert.Equal("shop@example.com", services.GetRequiredService<IOptions<AcsEmailOptions>>().Value.SenderAddress);
    }

    [Fact]
    public void The_unsubscribe_secret_is_required_and_never_derived_from_an_admin_key()
    {
        var adminKeysOnly = new ConfigurationBuilder().AddInMemoryCollection([new("Admin:Keys", "admin-key-of-at-least-16")]).Build();

        Assert.Contains("Unsubscribe__Secret", Refused(adminKeysOnly));
    }

    [Fact]
    public void A_short_unsubscribe_secret_is_refused_naming_the_setting_and_its_position()
    {
        var error = Refused(Config(("Unsubscribe__Secret", "a-secret-of-at-least-16 short")));

        Assert.Contains("Unsubscribe__Secret: secret 2 of 2", error);
    }

    [Fact]
    public void During_a_rotation_old_links_still_work_and_new_links_are_signed_with_the_first_secret()
    {
        using var services = Start(Config());
        var settings = services.GetRequiredService<DeliverySettings>();
        UnsubscribeLinks Links(string secrets) => new(settings, UnsubscribeSecrets.Read(Config(("Unsubscribe__Secret", secrets))));
        var before = Links("old-secret-0123456789");
        var rotating = Links("new-secret-0123456789 old-secret-0123456789");
        var after = Links("new-secret-0123456789");
        var oldToken = before.TokenFor("b-1");
        var newToken = rotating.TokenFor("b-1");

        Assert.Equal("b-1", rotating.TryReadToken(oldToken));
        Assert.Equal("b-1", rotating.TryReadToken(newToken));
        Assert.Equal(after.TokenFor("b-1"), newToken);
        Assert.Null(after.TryReadToken(oldToken));
        Assert.Null(before.TryReadToken(newToken));
    }

    [Fact]
    public void Links_do_not_depend_on_the_admin_keys()
    {
        using var services = Start(Config());
        var settings = services.GetRequiredService<DeliverySettings>();
        UnsubscribeLinks Links(string adminKeys) => new(settings, UnsubscribeSecrets.Read(
            new ConfigurationBuilder().AddInMemoryCollection([new("Admin:Keys", adminKeys), new("Unsubscribe:Secret", "a-secret-of-at-least-16")]).Build()));

        Assert.Equal("b-1", Links("rotated-admin-key").TryReadToken(Links("first-admin-key").TokenFor("b-1")));
    }

    [Fact]
    public void Merchants_fall_back_to_the_default_merchant_and_bad_merchant_settings_are_named()
    {
        var secret = "whsec_" + Convert.ToBase64String(new byte[24]);
        using var services = Start(Config(
            ("Merchants__Default__AlertEmail", "ops@market.example.com"),
            ("Merchants__Default__Locale", "zh-CN"),
            ("Merchants__m-1__Name", "Acme"),
            ("Merchants__m-1__WebhookUrl", "https://acme.example.com/hooks"),
            ("Merchants__m-1__WebhookSecret", secret)));
        var merchants = services.GetRequiredService<MerchantDirectory>();
        var noTable = new Dictionary<string, MerchantEntry>();
        var acme = merchants.For("m-1", noTable);
        Assert.Equal(("Acme", "ops@market.example.com", "zh-CN"), (acme.DisplayName, acme.AlertEmail, acme.Locale));
        Assert.Equal(new Uri("https://acme.example.com/hooks"), acme.Webhook!.Url);
        var other = merchants.For("m-2", noTable);
        Assert.Equal(("m-2", "ops@market.example.com"), (other.DisplayName, other.AlertEmail));
        Assert.Null(other.Webhook);
        using (var none = Start(Config())) Assert.False(none.GetRequiredService<MerchantDirectory>().For("m-3", noTable).HasAlertDestination);

        var noSecret = Refused(Config(("Merchants__m-1__WebhookUrl", "https://acme.example.com/hooks")));
        Assert.Contains("Merchants__m-1__WebhookSecret", noSecret);
        var badSecret = Refused(Config(
            ("Merchants__m-1__WebhookUrl", "https://acme.example.com/hooks"), ("Merchants__m-1__WebhookSecret", "not-a-secret")));
        Assert.Contains("Merchants__m-1__WebhookSecret", badSecret);
        Assert.DoesNotContain("not-a-secret", badSecret);
        var badEmail = Refused(Config(("Merchants__m-1__AlertEmail", "nobody")));
        Assert.Contains("Merchants__m-1__AlertEmail", badEmail);
    }
}
