using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Reminders.App.Merchants;
using Reminders.Channels.Settings;
using Reminders.Core.Webhooks;

namespace Reminders.App.Delivery;

/// <summary>A merchant's signed webhook endpoint.</summary>
public sealed record MerchantWebhook(Uri Url, IReadOnlyList<WebhookSecret> Secrets);

/// <summary>
/// What the app knows of one merchant: its entry in the Merchants table, else its settings Merchants__{merchantId}__*;
/// with Merchants__Default__* as fallback either way.
/// </summary>
public sealed record MerchantProfile(string? MerchantId)
{
    /// <summary>How messages name the merchant; the merchant id when not set.</summary>
    public string? Name { get; init; }

    /// <summary>The locale for buyers without a supported one, and for alerts to the merchant.</summary>
    public string? Locale { get; init; }

    /// <summary>IANA zone for its buyers without one (instead of Reminders__DefaultTimeZone); set through the API only.</summary>
    public string? TimeZone { get; init; }

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
/// Merchant ids are exact (<c>MACME</c> is not <c>macme</c>); configuration keys ignore case, so settings can hold
/// only one of two ids that differ by case alone (the Merchants table holds both).
/// </summary>
public sealed class MerchantsOptions() : Dictionary<string, MerchantOptions>(StringComparer.Ordinal), IValidatableObject
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
        if (Text(AlertEmail) is { } email && !IsEmail(email))
            yield return Problem(nameof(AlertEmail), "not an email address.");
        if (WebhookUrl is not null && !IsHttpUrl(WebhookUrl))
            yield return Problem(nameof(WebhookUrl), "must be an absolute http(s) URL.");
        var prefix = $"Merchants__{merchantKey}__";
        if (WebhookUrl is not null && Text(WebhookSecret) is null)
            yield return Problem(nameof(WebhookSecret), $"required with {prefix}WebhookUrl.");
        if (WebhookUrl is null && Text(WebhookSecret) is not null)
            yield return Problem(nameof(WebhookUrl), $"required with {prefix}WebhookSecret.");
        if (Text(WebhookSecret) is { } secret && !StandardWebhook.TryParseSecrets(secret, prefix + nameof(WebhookSecret), out _, out var error))
            yield return new(error); // names the setting, never the secret
        if (Text(LinkTemplate) is { } link && !IsLinkTemplate(link))
            yield return Problem(nameof(LinkTemplate), LinkTemplateRule);
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

    /// <summary>The rules of these settings, shared with the merchants API.</summary>
    internal static bool IsEmail(string text) => System.Net.Mail.MailAddress.TryCreate(text, out _);

    internal static bool IsHttpUrl(Uri url) => new HttpUrlAttribute().IsValid(url);

    internal const string LinkTemplateRule = "must be an absolute http(s) URL, with {orderId} where the order id goes.";

    internal static bool IsLinkTemplate(string text) =>
        Uri.TryCreate(text.Replace("{orderId}", "x", StringComparison.Ordinal), UriKind.Absolute, out var uri) && IsHttpUrl(uri);

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>
/// Each merchant's profile: its entry in the Merchants table when it has one (the entry wins as a whole), else its
/// Merchants__{merchantId}__* settings (a bootstrap); completed from Merchants__Default__* (the webhook URL and its
/// secret fall back together). Merchant ids are exact.
/// </summary>
public sealed class MerchantDirectory
{
    /// <summary>The settings key of the fallback profile; a keyword, not a merchant id, so it matches ignoring case as settings do.</summary>
    public const string DefaultKey = "Default";

    private readonly Dictionary<string, MerchantProfile> _settings;
    private readonly MerchantProfile _default;

    public MerchantDirectory(IOptions<MerchantsOptions> options)
    {
        _settings = options.Value.Where(m => !string.Equals(m.Key, DefaultKey, StringComparison.OrdinalIgnoreCase))
            .ToDictionary(m => m.Key, m => m.Value.ToProfile(m.Key), StringComparer.Ordinal);
        _default = options.Value.FirstOrDefault(m => string.Equals(m.Key, DefaultKey, StringComparison.OrdinalIgnoreCase)).Value?.ToProfile(DefaultKey)
            ?? new MerchantProfile((string?)null);
    }

    /// <summary>The merchant's own profile (its entry in <paramref name="table"/>, else its settings), completed from the defaults.</summary>
    public MerchantProfile For(string? merchantId, IReadOnlyDictionary<string, MerchantEntry> table)
    {
        var own = merchantId is null ? null : Own(merchantId, table);
        return new MerchantProfile(merchantId)
        {
            Name = own?.Name,
            Locale = own?.Locale ?? _default.Locale,
            TimeZone = own?.TimeZone,
            AlertEmail = own?.AlertEmail ?? _default.AlertEmail,
            Webhook = own?.Webhook ?? _default.Webhook,
            LinkTemplate = own?.LinkTemplate ?? _default.LinkTemplate,
        };
    }

    /// <summary>The merchant's profile from its Merchants__{merchantId}__* settings alone, null when it has none.</summary>
    public MerchantProfile? FromSettings(string merchantId) => _settings.GetValueOrDefault(merchantId);

    private MerchantProfile? Own(string merchantId, IReadOnlyDictionary<string, MerchantEntry> table) =>
        table.TryGetValue(merchantId, out var entry) ? ToProfile(entry) : _settings.GetValueOrDefault(merchantId);

    private static MerchantProfile ToProfile(MerchantEntry entry) => new(entry.MerchantId)
    {
        Name = entry.Name,
        Locale = entry.Locale,
        TimeZone = entry.TimeZone,
        AlertEmail = entry.AlertEmail,
        Webhook = entry.WebhookUrl is not null && entry.WebhookSecrets.Count > 0
            ? new MerchantWebhook(entry.WebhookUrl, StandardWebhook.ParseSecrets(string.Join(' ', entry.WebhookSecrets), $"merchant {entry.MerchantId} webhook secret"))
            : null,
        LinkTemplate = entry.LinkTemplate,
    };
}
