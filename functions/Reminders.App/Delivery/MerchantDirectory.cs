using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Reminders.Channels.Settings;
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
/// Settings Merchants__{merchantId}__Name, __Locale, __AlertEmail, __WebhookUrl, __WebhookSecret (whsec_..., several
/// separated by spaces) and __LinkTemplate; Merchants__Default__* is the fallback (see <see cref="MerchantDirectory"/>).
/// </summary>
public sealed class MerchantsOptions() : Dictionary<string, MerchantOptions>(StringComparer.OrdinalIgnoreCase), IValidatableObject
{
    public const string Section = "Merchants";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        this.SelectMany(merchant => merchant.Value.Problems(merchant.Key));
}

/// <summary>One merchant's settings, as written.</summary>
public sealed class MerchantOptions
{
    public string? Name { get; set; }

    public string? Locale { get; set; }

    public string? AlertEmail { get; set; }

    public Uri? WebhookUrl { get; set; }

    public string? WebhookSecret { get; set; }

    /// <summary>An http(s) URL with <c>{orderId}</c> where the buyer sees (and pays) the order.</summary>
    public string? LinkTemplate { get; set; }

    internal IEnumerable<ValidationResult> Problems(string merchantKey)
    {
        ValidationResult Problem(string setting, string message) => new(message, [$"{merchantKey}:{setting}"]);
        if (Text(AlertEmail) is { } email && !System.Net.Mail.MailAddress.TryCreate(email, out _))
            yield return Problem(nameof(AlertEmail), "not an email address.");
        if (WebhookUrl is not null && !new HttpUrlAttribute().IsValid(WebhookUrl))
            yield return Problem(nameof(WebhookUrl), "must be an absolute http(s) URL.");
        var prefix = $"Merchants__{merchantKey}__";
        if (WebhookUrl is not null && Text(WebhookSecret) is null)
            yield return Problem(nameof(WebhookSecret), $"required with {prefix}WebhookUrl.");
        if (WebhookUrl is null && Text(WebhookSecret) is not null)
            yield return Problem(nameof(WebhookUrl), $"required with {prefix}WebhookSecret.");
        if (Text(WebhookSecret) is { } secret && !StandardWebhook.TryParseSecrets(secret, prefix + nameof(WebhookSecret), out _, out var error))
            yield return new(error); // names the setting, never the secret
        if (Text(LinkTemplate) is { } link && !IsHttpUrl(link.Replace("{orderId}", "x", StringComparison.Ordinal)))
            yield return Problem(nameof(LinkTemplate), "must be an absolute http(s) URL, with {orderId} where the order id goes.");
    }

    internal MerchantProfile ToProfile(string merchantKey) => new(merchantKey)
    {
        Name = Text(Name),
        Locale = Text(Locale),
        AlertEmail = Text(AlertEmail),
        Webhook = WebhookUrl is not null && Text(WebhookSecret) is { } secret
            ? new MerchantWebhook(WebhookUrl, StandardWebhook.ParseSecrets(secret, $"Merchants__{merchantKey}__WebhookSecret"))
            : null,
        LinkTemplate = Text(LinkTemplate),
    };

    private static bool IsHttpUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && new HttpUrlAttribute().IsValid(uri);

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>Each merchant's profile, completed from Merchants__Default__* (the webhook URL and its secret fall back together).</summary>
public sealed class MerchantDirectory
{
    public const string DefaultKey = "Default";

    private readonly Dictionary<string, MerchantProfile> _merchants;
    private readonly MerchantProfile _default;

    public MerchantDirectory(IOptions<MerchantsOptions> options)
    {
        _merchants = options.Value.Where(m => !string.Equals(m.Key, DefaultKey, StringComparison.OrdinalIgnoreCase))
            .ToDictionary(m => m.Key, m => m.Value.ToProfile(m.Key), StringComparer.OrdinalIgnoreCase);
        _default = options.Value.GetValueOrDefault(DefaultKey)?.ToProfile(DefaultKey) ?? new MerchantProfile((string?)null);
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
}
