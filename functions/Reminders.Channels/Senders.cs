namespace Reminders.Channels;

public interface ISmsSender
{
    /// <summary>Provider name as in settings (twilio, acs, outbox).</summary>
    string Provider { get; }

    Task<DeliveryResult> SendAsync(SmsMessage message, CancellationToken cancellationToken);
}

public interface IEmailSender
{
    /// <summary>Provider name as in settings (smtp, acs, outbox).</summary>
    string Provider { get; }

    Task<DeliveryResult> SendAsync(EmailMessage message, CancellationToken cancellationToken);
}

public interface IPushSender
{
    /// <summary>Provider name as in settings (fcm, outbox).</summary>
    string Provider { get; }

    Task<DeliveryResult> SendAsync(PushMessage message, CancellationToken cancellationToken);
}

public interface IWebhookSender
{
    Task<DeliveryResult> SendAsync(WebhookMessage message, CancellationToken cancellationToken);
}
