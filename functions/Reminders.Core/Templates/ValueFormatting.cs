using System.Globalization;
using Reminders.Core.Orders;
using Reminders.Core.Throttling;

namespace Reminders.Core.Templates;

/// <summary>Amounts and dates as a reader of each locale expects them.</summary>
public static class ValueFormatting
{
    private static readonly Dictionary<string, string> ChineseSymbols = new(StringComparer.Ordinal)
    {
        ["CNY"] = "¥", ["USD"] = "US$", ["HKD"] = "HK$", ["EUR"] = "€", ["GBP"] = "£", ["JPY"] = "JP¥",
    };

    private static readonly Dictionary<string, string> EnglishSymbols = new(StringComparer.Ordinal)
    {
        ["USD"] = "US$", ["HKD"] = "HK$", ["EUR"] = "€", ["GBP"] = "£", ["JPY"] = "JP¥",
    };

    private static readonly HashSet<string> NoMinorUnits = new(StringComparer.Ordinal) { "JPY", "KRW", "VND", "CLP", "ISK", "UGX", "XAF", "XOF", "PYG" };
    private static readonly HashSet<string> ThreeMinorDigits = new(StringComparer.Ordinal) { "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND" };

    /// <summary>zh-CN: ¥1,299.00, US$5.00; en: CNY 1,299.00, US$5.00; unknown currencies as "XYZ 1.00".</summary>
    public static string Amount(Money amount, string locale)
    {
        ArgumentNullException.ThrowIfNull(amount);
        var code = (amount.Currency ?? "").Trim().ToUpperInvariant();
        var digits = NoMinorUnits.Contains(code) ? 0 : ThreeMinorDigits.Contains(code) ? 3 : 2;
        var number = amount.Value.ToString("N" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var symbols = locale == TemplateLocales.ChineseSimplified ? ChineseSymbols : EnglishSymbols;
        return symbols.TryGetValue(code, out var symbol) ? symbol + number : $"{code} {number}";
    }

    /// <summary>zh-CN: 3月8日 18:00; en: 8 Mar 18:00; in the given zone, or in UTC (marked so) when the zone is unknown.</summary>
    public static string DateTime(DateTimeOffset instant, string? timeZoneId, string locale) =>
        Format(instant, timeZoneId, locale == TemplateLocales.ChineseSimplified ? "M月d日 HH:mm" : "d MMM HH:mm");

    /// <summary>zh-CN: 3月8日; en: 8 Mar; the day in the given zone (UTC when unknown).</summary>
    public static string Date(DateTimeOffset instant, string? timeZoneId, string locale) =>
        Format(instant, timeZoneId, locale == TemplateLocales.ChineseSimplified ? "M月d日" : "d MMM");

    private static string Format(DateTimeOffset instant, string? timeZoneId, string format)
    {
        var zone = BuyerTimeZones.TryFind(timeZoneId);
        var local = zone is null ? instant.ToUniversalTime() : TimeZoneInfo.ConvertTime(instant, zone);
        var text = local.ToString(format, CultureInfo.InvariantCulture);
        return zone is null ? text + " UTC" : text;
    }
}
