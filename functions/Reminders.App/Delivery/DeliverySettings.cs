using Microsoft.Extensions.Configuration;
using Reminders.Channels.Settings;
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
/// What delivery needs besides the senders (whose Channels__* settings bind to the Reminders.Channels options):
/// Reminders__PublicBaseUrl and the Twilio auth token inbound SMS webhooks are verified with.
/// Read and checked once at start-up; every problem names its setting.
/// </summary>
public sealed record DeliverySettings
{
    public const string DefaultPublicBaseUrl = "http://localhost:7071";

    /// <summary>Channels__Sms__Twilio__AuthToken, also used to verify inbound SMS webhooks whatever the SMS provider.</summary>
    public string? TwilioAuthToken { get; init; }

    /// <summary>Reminders__PublicBaseUrl: how buyers and Twilio reach this app (unsubscribe links, webhook signatures).</summary>
    public Uri PublicBaseUrl { get; init; } = new(DefaultPublicBaseUrl);

    public static DeliverySettings Read(IConfiguration configuration)
    {
        var errors = new List<string>();
        var settings = new DeliverySettings
        {
            TwilioAuthToken = Text(configuration.GetSection(TwilioSmsOptions.Section).Get<TwilioSmsOptions>()?.AuthToken),
            PublicBaseUrl = HttpUrl(configuration, "Reminders:PublicBaseUrl", errors) ?? new Uri(DefaultPublicBaseUrl),
        };
        if (errors.Count > 0) throw new InvalidOperationException("Invalid settings: " + string.Join("; ", errors));
        return settings;
    }

    internal static string? Text(IConfiguration configuration, string key) => Text(configuration[key]);

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    internal static Uri? HttpUrl(IConfiguration configuration, string key, List<string> errors)
    {
        if (Text(configuration, key) is not { } text) return null;
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)) return uri;
        errors.Add($"{SettingsRegistration.SettingName(key)}: must be an absolute http(s) URL.");
        return null;
    }
}
