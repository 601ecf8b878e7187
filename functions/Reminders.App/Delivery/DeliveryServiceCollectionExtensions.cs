using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Reminders.App.Functions;
using Reminders.App.Hosting;
using Reminders.Channels;

namespace Reminders.App.Delivery;

public static class DeliveryServiceCollectionExtensions
{
    /// <summary>
    /// The senders (Reminders.Channels: one provider per channel, the local outbox unless Channels__{Channel}__Provider
    /// says otherwise, settings validated at start-up), merchant alerts, unsubscribe links and the poison hook. The
    /// queue functions are registered too, so they resolve with or without the trigger host.
    /// </summary>
    public static IServiceCollection AddDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(DeliverySettings.Read(configuration));
        services.AddSingleton(UnsubscribeSecrets.Read(configuration));
        services.AddSingleton(MerchantDirectory.Read(configuration));
        services.AddChannels(configuration);
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
