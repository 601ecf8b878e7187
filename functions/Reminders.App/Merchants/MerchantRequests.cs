using System.Text.Json;
using Microsoft.Extensions.Options;
using Reminders.App.Delivery;
using Reminders.Core.Orders;
using Reminders.Core.Settings;
using Reminders.Core.Throttling;
using Reminders.Core.Webhooks;

namespace Reminders.App.Merchants;

/// <summary>
/// Reads the body of PUT /api/merchants/{merchantId} into the merchant's new entry, with the rules the
/// Merchants__* settings have (alert email, http(s) URLs, whsec_ secrets, link template), the alert webhook rules of
/// <see cref="WebhookUrlRules"/> and the policy rules of the global settings. Every problem names its field.
/// </summary>
public sealed class MerchantRequests(IOptions<MerchantStoreOptions> options, ReminderSettings global, ThrottleSettings globalThrottle)
{
    public const int MaxSecrets = 5;
    private const int MaxTextLength = 200;

    private static readonly HashSet<string> Fields =
        ["name", "locale", "timeZone", "alertEmail", "alertWebhook", "linkTemplate", "policy"];

    /// <summary>
    /// The entry <paramref name="body"/> describes, replacing <paramref name="current"/> (null for a new merchant),
    /// whose stored secrets may be kept by naming their hints; or the problems.
    /// </summary>
    public (MerchantEntry? Entry, IReadOnlyList<FieldError> Errors) Read(string merchantId, JsonElement body, MerchantEntry? current, DateTimeOffset now)
    {
        var errors = new List<FieldError>();
        if (body.ValueKind != JsonValueKind.Object) return (null, [new FieldError("body", "must be a JSON object.")]);
        foreach (var property in body.EnumerateObject().Where(p => !Fields.Contains(p.Name)))
        {
            errors.Add(new FieldError(property.Name, $"is not a merchant field; the fields are {string.Join(", ", Fields)}."));
        }

        var name = Text(body, "name", errors);
        var locale = Text(body, "locale", errors);
        if (locale is not null && !locale.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            errors.Add(new FieldError("locale", "must be a language tag such as zh-CN or en."));
        var timeZone = Text(body, "timeZone", errors);
        if (timeZone is not null && BuyerTimeZones.TryFind(timeZone) is null)
            errors.Add(new FieldError("timeZone", "must be an IANA time zone name known to the system, such as Asia/Shanghai."));
        var alertEmail = Text(body, "alertEmail", errors);
        if (alertEmail is not null && !MerchantOptions.IsEmail(alertEmail))
            errors.Add(new FieldError("alertEmail", "not an email address."));
        var linkTemplate = Text(body, "linkTemplate", errors);
        if (linkTemplate is not null && !MerchantOptions.IsLinkTemplate(linkTemplate))
            errors.Add(new FieldError("linkTemplate", MerchantOptions.LinkTemplateRule));
        var (webhookUrl, secrets) = Webhook(body, current, errors);
        var policy = body.TryGetProperty("policy", out var policyJson)
            ? MerchantPolicy.Read(policyJson, "policy.", errors)
            : MerchantPolicy.None;
        if (errors.Count == 0) errors.AddRange(policy.Problems(global, globalThrottle, "policy."));
        if (errors.Count > 0) return (null, errors);

        var entry = (current ?? new MerchantEntry(merchantId)) with
        {
            Name = name,
            Locale = locale,
            TimeZone = timeZone,
            AlertEmail = alertEmail,
            WebhookUrl = webhookUrl,
            WebhookSecrets = secrets,
            LinkTemplate = linkTemplate,
            UpdatedAt = now,
        };
        return (entry.WithPolicy(policy, now), []);
    }

    /// <summary>
    /// alertWebhook {"url", "secrets": [...]}: each secret is a new <c>whsec_...</c> value or the hint (<c>…abcd</c>) of
    /// a stored one to keep; the first signs. URL and secrets go together.
    /// </summary>
    private (Uri? Url, IReadOnlyList<string> Secrets) Webhook(JsonElement body, MerchantEntry? current, List<FieldError> errors)
    {
        if (!body.TryGetProperty("alertWebhook", out var webhook) || webhook.ValueKind == JsonValueKind.Null) return (null, []);
        if (webhook.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new FieldError("alertWebhook", "must be an object: {\"url\": \"https://...\", \"secrets\": [\"whsec_...\"]}."));
            return (null, []);
        }
        Uri? url = null;
        var urlText = Text(webhook, "url", errors, "alertWebhook.");
        if (urlText is null) errors.Add(new FieldError("alertWebhook.url", "is required with alertWebhook."));
        else if (!Uri.TryCreate(urlText, UriKind.Absolute, out url)) errors.Add(new FieldError("alertWebhook.url", "must be an absolute https URL."));
        else if (WebhookUrlRules.Problem(url, options.Value.AllowPrivateWebhookUrls) is { } problem) errors.Add(new FieldError("alertWebhook.url", problem));

        if (!webhook.TryGetProperty("secrets", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() is 0 or > MaxSecrets)
        {
            errors.Add(new FieldError("alertWebhook.secrets", $"is required with alertWebhook.url: 1 to {MaxSecrets} whsec_ secrets (or hints of stored ones), the signing one first."));
            return (url, []);
        }
        var secrets = new List<string>();
        foreach (var item in list.EnumerateArray())
        {
            var field = $"alertWebhook.secrets[{secrets.Count}]";
            var text = item.ValueKind == JsonValueKind.String ? item.GetString()!.Trim() : "";
            var kept = current?.WebhookSecrets.Where(s => MerchantEntry.Hint(s) == text).ToList() ?? [];
            if (kept.Count == 1) secrets.Add(kept[0]);
            else if (text.StartsWith('…')) errors.Add(new FieldError(field, kept.Count == 0 ? "names no stored secret." : "names more than one stored secret; send the secret itself."));
            else if (!WebhookSecret.TryParse(text, out _, out var problem))
                errors.Add(new FieldError(field, $"{problem}: expected '{WebhookSecret.Prefix}<base64>' (at least {WebhookSecret.MinimumKeyBytes} key bytes) or the hint of a stored secret."));
            else secrets.Add(text);
        }
        return (url, secrets);
    }

    private static string? Text(JsonElement json, string field, List<FieldError> errors, string prefix = "")
    {
        if (!json.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.String || value.GetString()!.Length > MaxTextLength)
        {
            errors.Add(new FieldError(prefix + field, $"must be a string of at most {MaxTextLength} characters."));
            return null;
        }
        var text = value.GetString()!.Trim();
        return text.Length == 0 ? null : text;
    }
}
