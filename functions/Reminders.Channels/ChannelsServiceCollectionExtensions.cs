using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Reminders.Channels.Acs;
using Reminders.Channels.Fcm;
using Reminders.Channels.Http;
using Reminders.Channels.Settings;
using Reminders.Channels.Smtp;
using Reminders.Channels.Twilio;
using Reminders.Channels.Webhooks;

namespace Reminders.Channels;

public static class ChannelsServiceCollectionExtensions
{
    /// <summary>
    /// The sender of each channel whose Channels__{Sms,Email,Push}__Provider names one (none is registered for the
    /// outbox), the merchant webhook sender, their settings (validated at start-up, every problem naming its setting)
    /// and one resilient named HttpClient per provider.
    /// </summary>
    public static IServiceCollection AddChannels(this IServiceCollection services, IConfiguration configuration)
    {
        // The provider choice decides what is registered, so it is read now; ValidateOnStart checks the rest.
        var channels = SettingsRegistration.Get<ChannelsOptions>(configuration, ChannelsOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSettings<ChannelsOptions>(configuration, ChannelsOptions.Section);

        switch (channels.Sms.Provider)
        {
            case SmsProvider.Twilio:
                services.AddSettings<TwilioSmsOptions>(configuration, TwilioSmsOptions.Section);
                services.AddProviderHttpClient(TwilioSmsSender.HttpClientName);
                services.AddSingleton<ISmsSender, TwilioSmsSender>();
                break;
            case SmsProvider.Acs:
                services.AddSettings<AcsSmsOptions>(configuration, AcsSmsOptions.Section);
                services.AddProviderHttpClient(AcsSmsSender.HttpClientName);
                services.AddSingleton<ISmsSender, AcsSmsSender>();
                break;
        }
        switch (channels.Email.Provider)
        {
            case EmailProvider.Smtp:
                services.AddSettings<SmtpOptions>(configuration, SmtpOptions.Section);
                services.AddSingleton<IEmailSender, SmtpEmailSender>();
                break;
            case EmailProvider.Acs:
                services.AddSettings<AcsEmailOptions>(configuration, AcsEmailOptions.Section)
                    .PostConfigure<IOptions<ChannelsOptions>>((acs, all) =>
                    {
                        if (string.IsNullOrWhiteSpace(acs.SenderAddress)) acs.SenderAddress = all.Value.Email.Sender?.Address ?? "";
                    });
                services.AddProviderHttpClient(AcsEmailSender.HttpClientName);
                services.AddSingleton<IEmailSender, AcsEmailSender>();
                break;
        }
        if (channels.Push.Provider == PushProvider.Fcm)
        {
            services.AddSettings<FcmOptions>(configuration, FcmOptions.Section);
            services.AddProviderHttpClient(FcmPushSender.HttpClientName);
            services.AddProviderHttpClient(FcmPushSender.TokenHttpClientName);
            services.AddSingleton<IPushSender, FcmPushSender>();
        }

        // One pipeline, and so one circuit, per merchant host: one merchant's broken endpoint does not stop the others.
        services.AddProviderHttpClient(WebhookSender.HttpClientName).SelectPipelineByAuthority();
        services.AddSingleton<IWebhookSender, WebhookSender>();
        return services;
    }
}
