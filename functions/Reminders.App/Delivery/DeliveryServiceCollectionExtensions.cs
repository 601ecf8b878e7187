using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Reminders.App.Functions;
using Reminders.App.Hosting;
using Reminders.Channels;
using Reminders.Channels.Settings;
using Reminders.Channels.Twilio;

namespace Reminders.App.Delivery;

public static class DeliveryServiceCollectionExtensions
{
    /// <summary>
    /// The senders (Reminders.Channels: one provider per channel, the local outbox unless Channels__{Channel}__Provider
    /// says otherwise, settings validated at start-up), merchant alerts, unsubscribe links and the poison hook, with the settings they read
    /// (Admin__Keys, Reminders__*, Unsubscribe__Secret, Merchants__*, Delivery__MaxRetries), bound and validated at start-up. The
    /// queue functions are registered too, so they resolve with or without the trigger host.
    /// </summary>
    public static IServiceCollection AddDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<AdminOptions>(configuration, AdminOptions.Section);
        services.AddSettings<ReminderOptions>(configuration, ReminderOptions.Section);
        services.AddSingleton(UnsubscribeSecrets.Read(configuration));
        services.AddSettings<MerchantsOptions>(configuration, MerchantsOptions.Section);
        services.AddSettings<DeliveryOptions>(configuration, DeliveryOptions.Section);
        // The Twilio auth token verifies inbound SMS whatever the SMS provider; its options are validated only when Twilio sends.
        var twilio = SettingsRegistration.Get<TwilioSmsOptions>(configuration, TwilioSmsOptions.Section);
        services.AddSingleton(sp => DeliverySettings.From(sp.GetRequiredService<IOptions<ReminderOptions>>(), twilio));
        services.AddSingleton<MerchantDirectory>();
        services.AddChannels(configuration);
        // Alert webhooks (redirects are not followed) connect to public addresses only, unless settings allow others.
        services.AddHttpClient(Reminders.Channels.Webhooks.WebhookSender.HttpClientName).ConfigurePrimaryHttpMessageHandler((handler, provider) =>
        {
            if (!provider.GetRequiredService<IOptions<Merchants.MerchantStoreOptions>>().Value.AllowPrivateWebhookUrls)
                ((SocketsHttpHandler)handler).ConnectCallback = Merchants.WebhookUrlRules.ConnectToPublicAddressAsync;
        });
        services.AddSingleton<OutboxStore>();
        services.AddSingleton<UnsubscribeLinks>();
        services.AddSingleton<BadContactNotes>();
        services.AddSingleton<ReminderContent>();
        services.AddSingleton<DeliveryRecorder>();
        services.AddSingleton<ReminderDelivery>();
        services.AddSingleton<MerchantAlertDelivery>();
        services.AddSingleton<DeliveryPoisonRecorder>();
        services.AddSingleton<QueueRetry>();
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
