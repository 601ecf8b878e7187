using System.Globalization;
using Reminders.Core.Notifications;

namespace Reminders.Core.Settings;

/// <summary>What <see cref="ReminderSettingsParser.Parse"/> made of the settings.</summary>
/// <param name="Settings">The settings; a value that could not be parsed keeps its default.</param>
/// <param name="Errors">Values that could not be parsed, then everything <see cref="ReminderSettings.Validate"/> found.</param>
/// <param name="UnknownSettings">Keys under the section that name no setting (typos, probably), by flat name.</param>
public sealed record ReminderSettingsParseResult(
    ReminderSettings Settings,
    IReadOnlyList<SettingError> Errors,
    IReadOnlyList<string> UnknownSettings)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// Builds <see cref="ReminderSettings"/> from flat key/values, such as
/// <c>configuration.GetSection("Reminders").AsEnumerable(makePathsRelative: true)</c>.
/// </summary>
/// <remarks>
/// Keys may be relative to the section (<c>PaymentDue:Steps</c>) or carry it (<c>Reminders:PaymentDue:Steps</c>), with
/// <c>:</c> or <c>__</c> between parts, in any case. Keys with a null value (section nodes) are skipped.
/// Durations are .NET TimeSpan strings, <c>[-][d.]hh:mm:ss[.fffffff]</c> (a bare number, which .NET would read as
/// days, is refused as ambiguous); lists are comma-separated; times of day are <c>HH:mm</c> or <c>HH:mm:ss</c>.
/// </remarks>
public static class ReminderSettingsParser
{
    private delegate ReminderSettings Setter(ReminderSettings settings, string value, string name, List<SettingError> errors);

    private static readonly Dictionary<string, Setter> Setters = new(StringComparer.OrdinalIgnoreCase)
    {
        [ReminderSettingNames.DefaultTimeZone] = (s, v, _, _) => s with { DefaultTimeZone = v.Trim() },
        [ReminderSettingNames.QuietHoursStart] = (s, v, n, e) => TimeOfDay(v, n, e) is { } t ? s with { QuietHoursStart = t } : s,
        [ReminderSettingNames.QuietHoursEnd] = (s, v, n, e) => TimeOfDay(v, n, e) is { } t ? s with { QuietHoursEnd = t } : s,
        [ReminderSettingNames.BuyerDailyCap] = (s, v, n, e) => Integer(v, n, e) is { } i ? s with { BuyerDailyCap = i } : s,
        [ReminderSettingNames.MinInterval] = (s, v, n, e) => Duration(v, n, e) is { } d ? s with { MinInterval = d } : s,
        [ReminderSettingNames.Channels] = (s, v, n, e) => ChannelList(v, n, e) is { } c ? s with { Channels = c } : s,
        [ReminderSettingNames.PaymentDueSteps] = (s, v, n, e) => DurationList(v, n, e) is { } l ? s with { PaymentDueSteps = l } : s,
        [ReminderSettingNames.PaymentDueWindow] = (s, v, n, e) => Duration(v, n, e) is { } d ? s with { PaymentDueWindow = d } : s,
        [ReminderSettingNames.ConfirmReceiptSteps] = (s, v, n, e) => DurationList(v, n, e) is { } l ? s with { ConfirmReceiptSteps = l } : s,
        [ReminderSettingNames.ConfirmReceiptAutoConfirmAfter] = (s, v, n, e) => Duration(v, n, e) is { } d ? s with { ConfirmReceiptAutoConfirmAfter = d } : s,
        [ReminderSettingNames.PayLaterSteps] = (s, v, n, e) => DurationList(v, n, e) is { } l ? s with { PayLaterSteps = l } : s,
        [ReminderSettingNames.SettlementWindow] = (s, v, n, e) => Duration(v, n, e) is { } d ? s with { SettlementWindow = d } : s,
        [ReminderSettingNames.RefundWindow] = (s, v, n, e) => Duration(v, n, e) is { } d ? s with { RefundWindow = d } : s,
    };

    public static ReminderSettingsParseResult Parse(IEnumerable<KeyValuePair<string, string?>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var settings = new ReminderSettings();
        var errors = new List<SettingError>();
        var unknown = new List<string>();

        foreach (var (key, value) in values)
        {
            if (value is null) continue;
            var name = FlatName(key);
            if (name is null) continue;
            if (Setters.TryGetValue(name, out var set))
            {
                settings = set(settings, value, CanonicalName(name), errors);
            }
            else
            {
                unknown.Add(name);
            }
        }

        errors.AddRange(settings.Validate());
        return new ReminderSettingsParseResult(settings, errors, unknown);
    }

    /// <summary><c>PaymentDue:Steps</c> or <c>Reminders:PaymentDue:Steps</c> -> <c>Reminders__PaymentDue__Steps</c>; null for the section itself.</summary>
    private static string? FlatName(string key)
    {
        var parts = key.Replace("__", ":", StringComparison.Ordinal).Split(':', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length > 0 && string.Equals(parts[0], ReminderSettings.SectionName, StringComparison.OrdinalIgnoreCase))
        {
            parts = parts[1..];
        }
        return parts.Length == 0 ? null : ReminderSettings.SectionName + "__" + string.Join("__", parts);
    }

    private static string CanonicalName(string name) =>
        ReminderSettingNames.All.First(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));

    private static TimeOnly? TimeOfDay(string value, string name, List<SettingError> errors)
    {
        if (TimeOnly.TryParseExact(value.Trim(), ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return time;
        }
        errors.Add(new(name, "must be a time of day, HH:mm such as 22:00."));
        return null;
    }

    private static int? Integer(string value, string name, List<SettingError> errors)
    {
        if (int.TryParse(value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)) return number;
        errors.Add(new(name, "must be a whole number."));
        return null;
    }

    private static TimeSpan? Duration(string value, string name, List<SettingError> errors)
    {
        if (TryParseDuration(value, out var duration)) return duration;
        errors.Add(new(name, "must be a TimeSpan such as 00:00:30, 06:00:00 or 1.00:00:00."));
        return null;
    }

    private static IReadOnlyList<TimeSpan>? DurationList(string value, string name, List<SettingError> errors)
    {
        if (string.IsNullOrWhiteSpace(value)) return [];
        var steps = new List<TimeSpan>();
        foreach (var item in value.Split(','))
        {
            if (!TryParseDuration(item, out var step))
            {
                errors.Add(new(name, "must be a comma-separated list of TimeSpans such as -1.00:00:00,00:00:30,06:00:00."));
                return null;
            }
            steps.Add(step);
        }
        return steps;
    }

    private static IReadOnlyList<Channel>? ChannelList(string value, string name, List<SettingError> errors)
    {
        var channels = new List<Channel>();
        foreach (var item in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!WireNames.TryParseChannel(item, out var channel))
            {
                errors.Add(new(name, "must be a comma-separated list of push, sms and email."));
                return null;
            }
            channels.Add(channel);
        }
        return channels;
    }

    /// <summary>A .NET TimeSpan string with at least hours and minutes; a bare number is refused.</summary>
    public static bool TryParseDuration(string value, out TimeSpan duration)
    {
        var text = value.Trim();
        duration = default;
        return text.Contains(':', StringComparison.Ordinal)
            && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration);
    }
}
