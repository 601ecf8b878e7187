using Reminders.App.Delivery;

namespace Reminders.App.Merchants;

/// <summary>A merchant's alert webhook as shown: its URL and a hint (last four characters) of each secret, never the secret.</summary>
public sealed record MerchantWebhookView(Uri Url, IReadOnlyList<string> Secrets);

/// <summary>
/// A merchant as GET /api/merchants shows it. <c>source</c> is <c>table</c> for merchants managed through the API,
/// <c>settings</c> for one known only from Merchants__{merchantId}__* (read-only here; a PUT makes a table entry that
/// takes its place). The body can be sent back with PUT as it is: secret hints keep the stored secrets.
/// </summary>
public sealed record MerchantView(
    string MerchantId,
    string Source,
    string? Name,
    string? Locale,
    string? TimeZone,
    string? AlertEmail,
    MerchantWebhookView? AlertWebhook,
    string? LinkTemplate,
    IReadOnlyDictionary<string, object?> Policy,
    DateTimeOffset? PolicyEffectiveFrom,
    DateTimeOffset? UpdatedAt)
{
    public const string TableSource = "table";
    public const string SettingsSource = "settings";

    public static MerchantView From(MerchantEntry entry) => new(
        entry.MerchantId,
        TableSource,
        entry.Name,
        entry.Locale,
        entry.TimeZone,
        entry.AlertEmail,
        entry.WebhookUrl is { } url ? new MerchantWebhookView(url, [.. entry.WebhookSecrets.Select(MerchantEntry.Hint)]) : null,
        entry.LinkTemplate,
        entry.Policy.Values().Where(v => v.Value is not null).ToDictionary(),
        entry.Policies.Count > 0 ? entry.Policies[^1].EffectiveFrom : null,
        entry.UpdatedAt);

    /// <summary>A merchant of the settings: secrets are not shown at all (they live in app settings, not here).</summary>
    public static MerchantView FromSettings(MerchantProfile profile) => new(
        profile.MerchantId!,
        SettingsSource,
        profile.Name,
        profile.Locale,
        null,
        profile.AlertEmail,
        profile.Webhook is { } webhook ? new MerchantWebhookView(webhook.Url, []) : null,
        profile.LinkTemplate,
        new Dictionary<string, object?>(),
        null,
        null);
}

/// <summary>A page of GET /api/merchants; pass <c>continuationToken</c> back for the next page (null on the last).</summary>
public sealed record MerchantPageView(IReadOnlyList<MerchantView> Merchants, string? ContinuationToken);

/// <summary>One field of a merchant's effective policy: its value and where it came from.</summary>
/// <param name="Source"><c>merchant</c> (its policy), <c>merchant profile</c> (its time zone), <c>setting Reminders__...</c> or <c>default</c>.</param>
public sealed record EffectiveField(string Field, object? Value, string Source);

/// <summary>GET /api/merchants/{merchantId}/policy/effective: the merged rules the merchant's next order is planned and sent with.</summary>
public sealed record EffectivePolicyView(string MerchantId, DateTimeOffset? PolicyEffectiveFrom, IReadOnlyList<EffectiveField> Fields);
