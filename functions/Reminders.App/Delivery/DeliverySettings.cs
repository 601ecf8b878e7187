using Microsoft.Extensions.Options;
using Reminders.App.Hosting;
using Reminders.Channels.Twilio;

namespace Reminders.App.Delivery;

/// <summary>The provider names the senders report (ISmsSender.Provider and the like), as settings spell them.</summary>
public static class ProviderNames
{
    public const string Outbox = "outbox";
    public const string Twilio = "twilio";
    public const string Acs = "acs";
    public const string Smtp = "smtp";
    public const string Fcm = "fcm";
}

/// <summary>
/// What delivery needs besides the senders, from settings bound and checked at start-up: Reminders__PublicBaseUrl
/// and the Twilio auth token inbound SMS webhooks are verified with. (The unsubscribe keys are UnsubscribeSecrets.)
/// </summary>
public sealed record DeliverySettings
{
    /// <summary>Channels__Sms__Twilio__AuthToken, also used to verify inbound SMS webhooks whatever the SMS provider.</summary>
    public string? TwilioAuthToken { get; init; }

    /// <summary>Reminders__PublicBaseUrl: how buyers and Twilio reach this app (unsubscribe links, webhook signatures).</summary>
    public required Uri PublicBaseUrl { get; init; }

    public static DeliverySettings From(IOptions<ReminderOptions> reminders, TwilioSmsOptions twilio) => new()
    {
        TwilioAuthToken = string.IsNullOrWhiteSpace(twilio.AuthToken) ? null : twilio.AuthToken.Trim(),
        PublicBaseUrl = reminders.Value.PublicBaseUrl,
    };
}
