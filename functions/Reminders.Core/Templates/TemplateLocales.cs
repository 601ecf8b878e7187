namespace Reminders.Core.Templates;

/// <summary>The locales templates exist in, and how a buyer's locale finds one.</summary>
public static class TemplateLocales
{
    public const string ChineseSimplified = "zh-CN";
    public const string English = "en";

    public static IReadOnlyList<string> Supported { get; } = [ChineseSimplified, English];

    /// <summary>The buyer's locale if a template exists for it, else the merchant's default, else English.</summary>
    public static string Resolve(string? buyerLocale, string? merchantDefaultLocale) =>
        Match(buyerLocale) ?? Match(merchantDefaultLocale) ?? English;

    /// <summary>A supported locale for a BCP 47 tag (zh, zh-CN, zh-Hans-CN, zh_CN, en-US ...), or null.</summary>
    public static string? Match(string? tag)
    {
        if (string.IsNullOrWhiteSpace(tag)) return null;
        var parts = tag.Trim().Replace('_', '-').ToUpperInvariant().Split('-');
        return parts[0] switch
        {
            "EN" => English,
            // Readers of Traditional Chinese are better served by the merchant's default than by Simplified.
            "ZH" when parts.Skip(1).Any(p => p is "HANT" or "TW" or "HK" or "MO") => null,
            "ZH" => ChineseSimplified,
            _ => null,
        };
    }
}
