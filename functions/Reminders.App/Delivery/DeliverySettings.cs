using System.Globalization;
using Microsoft.Extensions.Configuration;
using Reminders.Channels.Acs;
using Reminders.Channels.Fcm;
using Reminders.Channels.Smtp;
using Reminders.Channels.Twilio;

namespace Reminders.App.Delivery;

/// <summary>The provider names of settings Channels__{Sms,Email,Push}__Provider.</summary>
public static class ProviderNames
{
    public const string Outbox = "outbox";
    public const string Twilio = "twilio";
    public const string Acs = "acs";
    public const string Smtp = "smtp";
    public const string Fcm = "fcm";
}

/// <summary>
/// The Channels__* settings (which provider per channel, and each provider's options), Reminders__PublicBaseUrl
/// and Unsubscribe__Secret, read and checked once at start-up. Every problem names its setting.
/// </summary>
public sealed record DeliverySettings
{
    public const string DefaultPublicBaseUrl = "http://localhost:7071";
    public static readonly TimeSpan DefaultHttpTimeout = TimeSpan.FromSeconds(30);

    public string SmsProvider { get; init; } = ProviderNames.Outbox;
    public string EmailProvider { get; init; } = ProviderNames.Outbox;
    public string PushProvider { get; init; } = ProviderNames.Outbox;

    public TwilioSmsOptions? Twilio { get; init; }
    public AcsSmsOptions? AcsSms { get; init; }
    public SmtpOptions? Smtp { get; init; }
    public AcsEmailOptions? AcsEmail { get; init; }
    public FcmOptions? Fcm { get; init; }

    /// <summary>Channels__HttpTimeout: the longest wait for one provider HTTP call.</summary>
    public TimeSpan HttpTimeout { get; init; } = DefaultHttpTimeout;

    /// <summary>Channels__Sms__Twilio__AuthToken, also used to verify inbound SMS webhooks whatever the SMS provider.</summary>
    public string? TwilioAuthToken { get; init; }

    /// <summary>Reminders__PublicBaseUrl: how buyers and Twilio reach this app (unsubscribe links, webhook signatures).</summary>
    public Uri PublicBaseUrl { get; init; } = new(DefaultPublicBaseUrl);

    /// <summary>Key of the unsubscribe link HMAC: Unsubscribe__Secret, or derived from the first admin key.</summary>
    public required byte[] UnsubscribeKey { get; init; }

    public static DeliverySettings Read(IConfiguration configuration)
    {
        var errors = new List<string>();
        var sms = Provider(configuration, "Channels:Sms:Provider", [ProviderNames.Twilio, ProviderNames.Acs, ProviderNames.Outbox], errors);
        var email = Provider(configuration, "Channels:Email:Provider", [ProviderNames.Smtp, ProviderNames.Acs, ProviderNames.Outbox], errors);
        var push = Provider(configuration, "Channels:Push:Provider", [ProviderNames.Fcm, ProviderNames.Outbox], errors);

        var settings = new DeliverySettings
        {
            SmsProvider = sms,
            EmailProvider = email,
            PushProvider = push,
            Twilio = sms == ProviderNames.Twilio ? ReadTwilio(configuration, errors) : null,
            AcsSms = sms == ProviderNames.Acs ? ReadAcsSms(configuration, errors) : null,
            Smtp = email == ProviderNames.Smtp ? ReadSmtp(configuration, errors) : null,
            AcsEmail = email == ProviderNames.Acs ? ReadAcsEmail(configuration, errors) : null,
            Fcm = push == ProviderNames.Fcm ? ReadFcm(configuration, errors) : null,
            HttpTimeout = Duration(configuration, "Channels:HttpTimeout", errors) ?? DefaultHttpTimeout,
            TwilioAuthToken = Text(configuration, "Channels:Sms:Twilio:AuthToken"),
            PublicBaseUrl = HttpUrl(configuration, "Reminders:PublicBaseUrl", errors) ?? new Uri(DefaultPublicBaseUrl),
            UnsubscribeKey = UnsubscribeKeyFrom(configuration, errors),
        };
        if (settings.HttpTimeout <= TimeSpan.Zero) errors.Add("Channels__HttpTimeout: must be positive.");
        if (errors.Count > 0) throw new InvalidOperationException("Invalid settings: " + string.Join("; ", errors));
        return settings;
    }

    /// <summary>The flat name of a configuration key, as settings are written (Channels__Sms__Provider).</summary>
    public static string SettingName(string key) => key.Replace(":", "__", StringComparison.Ordinal);

    private static string Provider(IConfiguration configuration, string key, string[] allowed, List<string> errors)
    {
        var value = Text(configuration, key)?.ToLowerInvariant() ?? ProviderNames.Outbox;
        if (allowed.Contains(value)) return value;
        errors.Add($"{SettingName(key)}: must be one of {string.Join(", ", allowed)}; it is '{value}'.");
        return ProviderNames.Outbox;
    }

    private static TwilioSmsOptions ReadTwilio(IConfiguration configuration, List<string> errors)
    {
        const string section = "Channels:Sms:Twilio:";
        Required(configuration, section + "AccountSid", "Channels__Sms__Provider is twilio", errors);
        var apiKey = Text(configuration, section + "ApiKeySid") is not null && Text(configuration, section + "ApiKeySecret") is not null;
        if (!apiKey) Required(configuration, section + "AuthToken", "Channels__Sms__Provider is twilio (or give ApiKeySid and ApiKeySecret)", errors);
        if (Text(configuration, section + "From") is null && Text(configuration, section + "MessagingServiceSid") is null)
        {
            errors.Add("Channels__Sms__Twilio__From or Channels__Sms__Twilio__MessagingServiceSid: one is required when Channels__Sms__Provider is twilio.");
        }
        var options = new TwilioSmsOptions
        {
            BaseUrl = HttpUrl(configuration, section + "BaseUrl", errors) ?? new TwilioSmsOptions().BaseUrl,
            AccountSid = Text(configuration, section + "AccountSid") ?? "",
            AuthToken = Text(configuration, section + "AuthToken"),
            ApiKeySid = Text(configuration, section + "ApiKeySid"),
            ApiKeySecret = Text(configuration, section + "ApiKeySecret"),
            From = Text(configuration, section + "From"),
            MessagingServiceSid = Text(configuration, section + "MessagingServiceSid"),
        };
        return Checked(options, options.Validate(), "Channels__Sms__Twilio", errors);
    }

    private static AcsSmsOptions ReadAcsSms(IConfiguration configuration, List<string> errors)
    {
        const string section = "Channels:Sms:Acs:";
        Required(configuration, section + "ConnectionString", "Channels__Sms__Provider is acs", errors);
        Required(configuration, section + "From", "Channels__Sms__Provider is acs", errors);
        var options = new AcsSmsOptions
        {
            ConnectionString = Text(configuration, section + "ConnectionString") ?? "",
            From = Text(configuration, section + "From") ?? "",
        };
        return Checked(options, options.Validate(), "Channels__Sms__Acs", errors);
    }

    private static SmtpOptions ReadSmtp(IConfiguration configuration, List<string> errors)
    {
        const string section = "Channels:Email:Smtp:";
        Required(configuration, section + "Host", "Channels__Email__Provider is smtp", errors);
        Required(configuration, "Channels:Email:From", "Channels__Email__Provider is smtp", errors);
        var options = new SmtpOptions
        {
            Host = Text(configuration, section + "Host") ?? "",
            Port = Int(configuration, section + "Port", errors) ?? 25,
            User = Text(configuration, section + "User"),
            Password = Text(configuration, section + "Password"),
            StartTls = Bool(configuration, section + "StartTls", errors) ?? false,
            From = Text(configuration, "Channels:Email:From") ?? "",
            Timeout = Duration(configuration, section + "Timeout", errors) ?? TimeSpan.FromSeconds(30),
        };
        return Checked(options, options.Validate(), "Channels__Email__Smtp", errors);
    }

    private static AcsEmailOptions ReadAcsEmail(IConfiguration configuration, List<string> errors)
    {
        const string section = "Channels:Email:Acs:";
        Required(configuration, section + "ConnectionString", "Channels__Email__Provider is acs", errors);
        var sender = Text(configuration, section + "SenderAddress") ?? BareAddress(Text(configuration, "Channels:Email:From"));
        if (sender is null) errors.Add("Channels__Email__Acs__SenderAddress: required when Channels__Email__Provider is acs (or set Channels__Email__From).");
        var options = new AcsEmailOptions
        {
            ConnectionString = Text(configuration, section + "ConnectionString") ?? "",
            SenderAddress = sender ?? "",
        };
        return Checked(options, options.Validate(), "Channels__Email__Acs", errors);
    }

    private static FcmOptions ReadFcm(IConfiguration configuration, List<string> errors)
    {
        const string section = "Channels:Push:Fcm:";
        Required(configuration, section + "ServiceAccountJson", "Channels__Push__Provider is fcm", errors);
        var options = new FcmOptions
        {
            BaseUrl = HttpUrl(configuration, section + "BaseUrl", errors) ?? new FcmOptions().BaseUrl,
            ServiceAccountJson = Text(configuration, section + "ServiceAccountJson") ?? "",
            ProjectId = Text(configuration, section + "ProjectId"),
        };
        return Checked(options, options.Validate(), "Channels__Push__Fcm", errors);
    }

    private static byte[] UnsubscribeKeyFrom(IConfiguration configuration, List<string> errors)
    {
        if (Text(configuration, "Unsubscribe:Secret") is { } secret)
        {
            if (secret.Length < 16) errors.Add("Unsubscribe__Secret: must be at least 16 characters.");
            return System.Text.Encoding.UTF8.GetBytes(secret);
        }
        var firstAdminKey = (Text(configuration, "Admin:Keys") ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault();
        if (firstAdminKey is null)
        {
            errors.Add("Unsubscribe__Secret: required when Admin__Keys is empty (the unsubscribe key is otherwise derived from the first admin key).");
            return [];
        }
        // A key of its own, so an unsubscribe token reveals nothing about the admin key.
        return System.Security.Cryptography.HMACSHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(firstAdminKey), "reminders/unsubscribe/v1"u8);
    }

    private static T Checked<T>(T options, IEnumerable<string> problems, string section, List<string> errors)
    {
        foreach (var problem in problems) errors.Add($"{section}: {problem}");
        return options;
    }

    private static string? BareAddress(string? from)
    {
        if (from is null) return null;
        var open = from.LastIndexOf('<');
        var close = from.LastIndexOf('>');
        return open >= 0 && close > open ? from[(open + 1)..close].Trim() : from.Trim();
    }

    internal static string? Text(IConfiguration configuration, string key) =>
        configuration[key] is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private static void Required(IConfiguration configuration, string key, string when, List<string> errors)
    {
        if (Text(configuration, key) is null) errors.Add($"{SettingName(key)}: required when {when}.");
    }

    private static int? Int(IConfiguration configuration, string key, List<string> errors)
    {
        if (Text(configuration, key) is not { } text) return null;
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)) return value;
        errors.Add($"{SettingName(key)}: not a whole number: '{text}'.");
        return null;
    }

    private static bool? Bool(IConfiguration configuration, string key, List<string> errors)
    {
        if (Text(configuration, key) is not { } text) return null;
        if (bool.TryParse(text, out var value)) return value;
        errors.Add($"{SettingName(key)}: must be true or false: '{text}'.");
        return null;
    }

    private static TimeSpan? Duration(IConfiguration configuration, string key, List<string> errors)
    {
        if (Text(configuration, key) is not { } text) return null;
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value)) return value;
        errors.Add($"{SettingName(key)}: not a duration (d.hh:mm:ss): '{text}'.");
        return null;
    }

    internal static Uri? HttpUrl(IConfiguration configuration, string key, List<string> errors)
    {
        if (Text(configuration, key) is not { } text) return null;
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)) return uri;
        errors.Add($"{SettingName(key)}: must be an absolute http(s) URL.");
        return null;
    }
}
