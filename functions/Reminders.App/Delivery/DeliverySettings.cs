using System.ComponentModel.DataAnnotations;
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

/// <summary>Setting Unsubscribe__Secret: the key of the unsubscribe link HMAC (see <see cref="DeliverySettings.UnsubscribeKey"/>).</summary>
public sealed class UnsubscribeOptions
{
    public const string Section = "Unsubscribe";

    [MinLength(16, ErrorMessage = "must be at least 16 characters.")]
    public string? Secret { get; set; }
}

/// <summary>
/// What delivery needs besides the senders, from settings bound and checked at start-up: Reminders__PublicBaseUrl,
/// the unsubscribe key and the Twilio auth token inbound SMS webhooks are verified with.
/// </summary>
public sealed record DeliverySettings
{
    /// <summary>Channels__Sms__Twilio__AuthToken, also used to verify inbound SMS webhooks whatever the SMS provider.</summary>
    public string? TwilioAuthToken { get; init; }

    /// <summary>Reminders__PublicBaseUrl: how buyers and Twilio reach this app (unsubscribe links, webhook signatures).</summary>
    public required Uri PublicBaseUrl { get; init; }

    /// <summary>Key of the unsubscribe link HMAC: Unsubscribe__Secret, or derived from the first admin key.</summary>
    public required byte[] UnsubscribeKey { get; init; }

    public static DeliverySettings From(
        IOptions<ReminderOptions> reminders, IOptions<UnsubscribeOptions> unsubscribe, IOptions<AdminOptions> admin, TwilioSmsOptions twilio) => new()
    {
        TwilioAuthToken = string.IsNullOrWhiteSpace(twilio.AuthToken) ? null : twilio.AuthToken.Trim(),
        PublicBaseUrl = reminders.Value.PublicBaseUrl,
        UnsubscribeKey = UnsubscribeKeyFrom(unsubscribe.Value, admin.Value),
    };

    /// <summary>Whether an unsubscribe key can be had: Unsubscribe__Secret is set or Admin__Keys holds a key.</summary>
    public static bool HasUnsubscribeKey(UnsubscribeOptions unsubscribe, AdminOptions admin) =>
        !string.IsNullOrWhiteSpace(unsubscribe.Secret) || admin.KeyList.Count > 0;

    private static byte[] UnsubscribeKeyFrom(UnsubscribeOptions unsubscribe, AdminOptions admin)
    {
        if (!string.IsNullOrWhiteSpace(unsubscribe.Secret)) return System.Text.Encoding.UTF8.GetBytes(unsubscribe.Secret.Trim());
        // A key of its own, so an unsubscribe token reveals nothing about the admin key.
        return System.Security.Cryptography.HMACSHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(admin.KeyList[0]), "reminders/unsubscribe/v1"u8);
    }
}
