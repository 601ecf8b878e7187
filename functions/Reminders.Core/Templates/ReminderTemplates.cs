using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Reminders.Core.Notifications;

namespace Reminders.Core.Templates;

/// <summary>
/// The text of every reminder and alert, per channel and locale (zh-CN and en). Buyer SMS end with the
/// opt-out wording; email HTML encodes every value; merchant alerts name the buyer only by a masked label.
/// </summary>
public static partial class ReminderTemplates
{
    /// <param name="locale">The reader's locale; unsupported or missing falls back to <paramref name="merchantDefaultLocale"/>, then en.</param>
    public static RenderedMessage Render(
        ReminderKind kind,
        Channel channel,
        string? locale,
        TemplateModel model,
        string? merchantDefaultLocale = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var audience = AudienceFor(kind, model.Audience);
        var texts = TextsFor(TemplateLocales.Resolve(locale, merchantDefaultLocale));
        var values = Values(model, texts.Locale);
        var parts = audience == MessageAudience.Buyer ? texts.Buyer(kind, values) : texts.Merchant(kind, values);

        return channel switch
        {
            Channel.Sms => new RenderedMessage(parts.Subject, SmsText(parts, values, audience == MessageAudience.Buyer ? texts.SmsOptOut : null), null, texts.Locale),
            Channel.Push => new RenderedMessage(parts.Subject, parts.PushBody, null, texts.Locale),
            Channel.Email => RenderEmail(parts, values, texts, audience),
            _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, null),
        };
    }

    /// <summary>
    /// Who reads <paramref name="kind"/>: merchant alerts (settlement_missing, payment_window_expired,
    /// auto_confirm_due) always the merchant, buyer reminders the buyer, refund_stalled either (buyer unless asked).
    /// </summary>
    public static MessageAudience AudienceFor(ReminderKind kind, MessageAudience? requested = null)
    {
        var merchantOnly = kind is ReminderKind.SettlementMissing or ReminderKind.PaymentWindowExpired or ReminderKind.AutoConfirmDue;
        var audience = requested ?? (merchantOnly ? MessageAudience.Merchant : MessageAudience.Buyer);
        var allowed = kind == ReminderKind.RefundStalled || audience == (merchantOnly ? MessageAudience.Merchant : MessageAudience.Buyer);
        return allowed ? audience : throw new ArgumentException($"{kind.ToWire()} has no message for the {audience.ToString().ToLowerInvariant()}.", nameof(requested));
    }

    internal static ILocaleTexts TextsFor(string locale) =>
        locale == TemplateLocales.ChineseSimplified ? ChineseTexts.Instance : EnglishTexts.Instance;

    private static TemplateValues Values(TemplateModel model, string locale) => new(
        OrderId: model.OrderId,
        OrderTail: model.OrderId.Length > 4 ? model.OrderId[^4..] : model.OrderId,
        Merchant: model.MerchantName,
        Amount: ValueFormatting.Amount(model.Amount, locale),
        DueAt: model.DueAt is { } due ? ValueFormatting.DateTime(due, model.TimeZoneId, locale) : null,
        DueDate: model.DueAt is { } day ? ValueFormatting.Date(day, model.TimeZoneId, locale) : null,
        Link: SafeLink(model.Link),
        BuyerLabel: MaskedBuyerLabel(model.BuyerLabel),
        Refund: model.RefundStatus ?? RefundStatus.Requested,
        FailureCode: model.PaymentFailureCode?.Trim().ToLowerInvariant());

    private static string SmsText(MessageParts parts, TemplateValues values, string? optOut)
    {
        var text = new StringBuilder(parts.SmsBody);
        if (values.Link is not null) text.Append(' ').Append(values.Link);
        if (optOut is not null) text.Append(' ').Append(optOut);
        return text.ToString();
    }

    private static RenderedMessage RenderEmail(MessageParts parts, TemplateValues values, ILocaleTexts texts, MessageAudience audience)
    {
        var footer = audience == MessageAudience.Buyer ? texts.BuyerEmailFooter(values.Merchant) : null;

        var text = new StringBuilder();
        text.AppendJoin("\n\n", parts.Paragraphs);
        if (values.Link is not null) text.Append("\n\n").Append(parts.ActionLabel).Append(": ").Append(values.Link);
        if (footer is not null) text.Append("\n\n").Append(footer);
        text.Append('\n');

        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"").Append(Encode(texts.Locale)).Append("\">\n")
            .Append("<head><meta charset=\"utf-8\"><title>").Append(Encode(parts.Subject)).Append("</title></head>\n")
            .Append("<body style=\"font-family:Arial,sans-serif;line-height:1.5;color:#222\">\n");
        foreach (var paragraph in parts.Paragraphs)
            html.Append("<p>").Append(Encode(paragraph)).Append("</p>\n");
        if (values.Link is not null)
        {
            html.Append("<p><a href=\"").Append(Encode(values.Link))
                .Append("\" style=\"display:inline-block;padding:8px 16px;background:#e4393c;color:#fff;text-decoration:none;border-radius:4px\">")
                .Append(Encode(parts.ActionLabel)).Append("</a></p>\n");
        }
        if (footer is not null)
            html.Append("<p style=\"color:#888;font-size:12px\">").Append(Encode(footer)).Append("</p>\n");
        html.Append("</body>\n</html>\n");

        return new RenderedMessage(parts.Subject, text.ToString(), html.ToString(), texts.Locale);
    }

    private static string Encode(string value) => WebUtility.HtmlEncode(value);

    /// <summary>Only absolute http(s) links without spaces, control characters or user information are put in a message.</summary>
    private static string? SafeLink(string? link)
    {
        if (string.IsNullOrWhiteSpace(link)) return null;
        link = link.Trim();
        if (link.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))) return null;
        return Uri.TryCreate(link, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            && uri.UserInfo.Length == 0
            ? link
            : null;
    }

    /// <summary>The label as given when it is masked; any phone number or email address left whole in it is masked here.</summary>
    private static string MaskedBuyerLabel(string? label)
    {
        if (string.IsNullOrWhiteSpace(label)) return "-";
        var masked = EmailPattern().Replace(label, m => ContactMasking.MaskEmail(m.Value));
        return PhonePattern().Replace(masked, m => ContactMasking.MaskPhone(m.Value.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal)));
    }

    // A local part without '*' (masked ones have it), '@', a domain.
    [GeneratedRegex(@"[^\s@*]+@[^\s@]+")]
    private static partial Regex EmailPattern();

    // Seven or more digits, optionally with a leading '+' and single spaces or dashes between them.
    [GeneratedRegex(@"\+?\d(?:[ -]?\d){6,}")]
    private static partial Regex PhonePattern();
}
