using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Reminders.App.Functions;
using Reminders.App.Hosting;
using Reminders.Channels;
using Reminders.Channels.Acs;
using Reminders.Channels.Fcm;
using Reminders.Channels.Smtp;
using Reminders.Channels.Twilio;
using Reminders.Channels.Webhooks;

namespace Reminders.App.Delivery;

public static class DeliveryServiceCollectionExtensions
{
    /// <summary>
    /// The senders: settings (checked now, so a bad one stops the app naming it), one provider per channel (the
    /// local outbox unless Channels__{Channel}__Provider says otherwise), merchant alerts, unsubscribe links and
    /// the poison hook. The queue functions are registered too, so they resolve with or without the trigger host.
    /// </summary>
    public static IServiceCollection AddDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = DeliverySettings.Read(configuration);
        services.AddSingleton(settings);
        services.AddSingleton(MerchantDirectory.Read(configuration));
        services.AddSingleton<DeliveryHttpClients>();
        services.AddSingleton<OutboxStore>();
        services.AddSingleton<UnsubscribeLinks>();
        services.AddSingleton<BadContactNotes>();
        services.AddSingleton<ReminderContent>();
        services.AddSingleton<DeliveryRecorder>();
        services.AddSingleton<ReminderDelivery>();
        services.AddSingleton<MerchantAlertDelivery>();
        services.AddSingleton<DeliveryPoisonRecorder>();
        services.AddSingleton<QueueRetry>();

        switch (settings.SmsProvider)
        {
            case ProviderNames.Twilio:
                services.AddSingleton<ISmsSender>(sp => new TwilioSmsSender(
                    sp.GetRequiredService<DeliveryHttpClients>().Create(), settings.Twilio!, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<TwilioSmsSender>>()));
                break;
            case ProviderNames.Acs:
                services.AddSingleton<ISmsSender>(sp => new AcsSmsSender(
                    sp.GetRequiredService<DeliveryHttpClients>().Create(), settings.AcsSms!, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<AcsSmsSender>>()));
                break;
        }
        switch (settings.EmailProvider)
        {
            case ProviderNames.Smtp:
                services.AddSingleton<IEmailSender>(sp => new SmtpEmailSender(
                    settings.Smtp!, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SmtpEmailSender>>()));
                break;
            case ProviderNames.Acs:
                services.AddSingleton<IEmailSender>(sp => new AcsEmailSender(
                    sp.GetRequiredService<DeliveryHttpClients>().Create(), settings.AcsEmail!, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<AcsEmailSender>>()));
                break;
        }
        if (settings.PushProvider == ProviderNames.Fcm)
        {
            services.AddSingleton<IPushSender>(sp => new FcmPushSender(
                sp.GetRequiredService<DeliveryHttpClients>().Create(), settings.Fcm!, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<FcmPushSender>>()));
        }
        services.AddSingleton<IWebhookSender>(sp => new WebhookSender(
            sp.GetRequiredService<DeliveryHttpClients>().Create(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<WebhookSender>>()));
        services.AddSingleton(sp => new ChannelSenders(
            sp.GetService<ISmsSender>(), sp.GetService<IEmailSender>(), sp.GetService<IPushSender>(),
            sp.GetRequiredService<IWebhookSender>(), sp.GetRequiredService<OutboxStore>()));

        services.TryAddScoped<SendSms>();
        services.TryAddScoped<SendEmail>();
        services.TryAddScoped<SendPush>();
        services.TryAddScoped<SendMerchantAlert>();
        return services;
    }
}
