using Microsoft.Extensions.Configuration;
using Reminders.Core.Webhooks;

namespace Reminders.App.Delivery;

/// <summary>A merchant's signed webhook endpoint.</summary>
public sealed record MerchantWebhook(Uri Url, IReadOnlyList<WebhookSecret> Secrets);

/// <summary>What the app knows of one merchant, from settings Merchants__{merchantId}__* with Merchants__Default__* as fallback.</summary>
public sealed record MerchantProfile(string? MerchantId)
{
    /// <summary>How messages name the merchant; the merchant id when not set.</summary>
    public string? Name { get; init; }

    /// <summary>The locale for buyers without a supported one, and for alerts to the merchant.</summary>
    public string? Locale { get; init; }

    public string? AlertEmail { get; init; }

    public MerchantWebhook? Webhook { get; init; }

    /// <summary>An http(s) URL with <c>{orderId}</c> where the buyer sees (and pays) the order.</summary>
    public string? LinkTemplate { get; init; }

    public string DisplayName => Name ?? MerchantId ?? "";

    public string? OrderLink(string orderId) =>
        LinkTemplate?.Replace("{orderId}", Uri.EscapeDataString(orderId), StringComparison.Ordinal);

    public bool HasAlertDestination => AlertEmail is not null || Webhook is not null;
}

/// <summary>
/// Merchant settings: Merchants__{merchantId}__Name, __Locale, __AlertEmail, __WebhookUrl, __WebhookSecret
/// (whsec_..., several separated by spaces) and __LinkTemplate, each falling back to Merchants__Default__*
/// (the webhook URL and its secret fall back together). Checked at start-up.
/// </summary>
public sealed class MerchantDirectory
{
    public const string DefaultKey = "Default";

    private readonly Dictionary<string, MerchantProfile> _merchants;
    private readonly MerchantProfile _default;

    private MerchantDirectory(Dictionary<string, MerchantProfile> merchants, MerchantProfile fallback)
    {
        _merchants = merchants;
        _default = fallback;
    }

    public static MerchantDirectory Read(IConfiguration configuration)
    {
        var errors = new List<string>();
        var merchants = new Dictionary<string, MerchantProfile>(StringComparer.OrdinalIgnoreCase);
        foreach (var section in configuration.GetSection("Merchants").GetChildren())
        {
            merchants[section.Key] = ReadOne(configuration, section.Key, errors);
        }
        if (errors.Count > 0) throw new InvalidOperationException("Invalid settings: " + string.Join("; ", errors));
        var fallback = merchants.GetValueOrDefault(DefaultKey) ?? new MerchantProfile((string?)null);
        merchants.Remove(DefaultKey);
        return new MerchantDirectory(merchants, fallback);
    }

    /// <summary>The merchant's own settings, completed from the defaults.</summary>
    public MerchantProfile For(string? merchantId)
    {
        var own = merchantId is not null ? _merchants.GetValueOrDefault(merchantId) : null;
        return new MerchantProfile(merchantId)
        {
            Name = own?.Name,
            Locale = own?.Locale ?? _default.Locale,
            AlertEmail = own?.AlertEmail ?? _default.AlertEmail,
            Webhook = own?.Webhook ?? _default.Webhook,
            LinkTemplate = own?.LinkTemplate ?? _default.LinkTemplate,
        };
    }

    private static MerchantProfile ReadOne(IConfiguration configuration, string merchantKey, List<string> errors)
    {
        var prefix = $"Merchants__{merchantKey}__";
        string Key(string name) => $"Merchants:{merchantKey}:{name}";
        string? Text(string name) => DeliverySettings.Text(configuration, Key(name));

        var alertEmail = Text("AlertEmail");
        if (alertEmail is not null && !System.Net.Mail.MailAddress.TryCreate(alertEmail, out _))
        {
            errors.Add($"{prefix}AlertEmail: not an email address.");
        }

        MerchantWebhook? webhook = null;
        var url = DeliverySettings.HttpUrl(configuration, Key("WebhookUrl"), errors);
        var secretText = Text("WebhookSecret");
        if (url is not null)
        {
            if (secretText is null) errors.Add($"{prefix}WebhookSecret: required with {prefix}WebhookUrl.");
            else if (!StandardWebhook.TryParseSecrets(secretText, prefix + "WebhookSecret", out var secrets, out var error)) errors.Add(error!);
            else webhook = new MerchantWebhook(url, secrets);
        }
        else if (secretText is not null)
        {
            errors.Add($"{prefix}WebhookUrl: required with {prefix}WebhookSecret.");
        }

        var link = Text("LinkTemplate");
        if (link is not null && !(Uri.TryCreate(link.Replace("{orderId}", "x", StringComparison.Ordinal), UriKind.Absolute, out var linkUri)
                                  && (linkUri.Scheme == Uri.UriSchemeHttp || linkUri.Scheme == Uri.UriSchemeHttps)))
        {
            errors.Add($"{prefix}LinkTemplate: must be an absolute http(s) URL, with {{orderId}} where the order id goes.");
        }

        return new MerchantProfile(merchantKey)
        {
            Name = Text("Name"),
            Locale = Text("Locale"),
            AlertEmail = alertEmail,
            Webhook = webhook,
            LinkTemplate = link,
        };
    }
}
