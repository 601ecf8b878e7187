using System.Globalization;
using System.Text.Json;
using Reminders.Core;
using Reminders.Core.Notifications;
using Reminders.Core.Settings;
using Reminders.Core.Throttling;
using Reminders.Core.Orders;

namespace Reminders.App.Merchants;

/// <summary>
/// A merchant's reminder policy: each field set overrides the global setting of the same name (Reminders__*), each
/// field left out (null) inherits it. On the wire the fields are camelCase (<c>paymentDueSteps</c>), durations are
/// TimeSpan strings (<c>00:10:00</c>, <c>10.00:00:00</c>), times of day <c>HH:mm</c>, kinds and channels wire names.
/// </summary>
public sealed record MerchantPolicy
{
    public IReadOnlyList<ReminderKind>? Kinds { get; init; }
    public IReadOnlyList<TimeSpan>? PaymentDueSteps { get; init; }
    public TimeSpan? PaymentDueWindow { get; init; }
    public IReadOnlyList<TimeSpan>? ConfirmReceiptSteps { get; init; }
    public TimeSpan? ConfirmReceiptAutoConfirmAfter { get; init; }
    public IReadOnlyList<TimeSpan>? PayLaterSteps { get; init; }
    public TimeSpan? SettlementWindow { get; init; }
    public TimeSpan? RefundWindow { get; init; }
    public TimeSpan? MinInterval { get; init; }
    public int? BuyerDailyCap { get; init; }
    public TimeOnly? QuietHoursStart { get; init; }
    public TimeOnly? QuietHoursEnd { get; init; }
    public IReadOnlyList<Channel>? Channels { get; init; }

    public static readonly MerchantPolicy None = new();

    /// <summary>The policy fields by wire name, with the global setting each overrides (null: no setting, every kind by default).</summary>
    public static readonly IReadOnlyList<(string Field, string? Setting)> Fields =
    [
        ("kinds", null),
        ("paymentDueSteps", ReminderSettingNames.PaymentDueSteps),
        ("paymentDueWindow", ReminderSettingNames.PaymentDueWindow),
        ("confirmReceiptSteps", ReminderSettingNames.ConfirmReceiptSteps),
        ("confirmReceiptAutoConfirmAfter", ReminderSettingNames.ConfirmReceiptAutoConfirmAfter),
        ("payLaterSteps", ReminderSettingNames.PayLaterSteps),
        ("settlementWindow", ReminderSettingNames.SettlementWindow),
        ("refundWindow", ReminderSettingNames.RefundWindow),
        ("minInterval", ReminderSettingNames.MinInterval),
        ("buyerDailyCap", ReminderSettingNames.BuyerDailyCap),
        ("quietHoursStart", ReminderSettingNames.QuietHoursStart),
        ("quietHoursEnd", ReminderSettingNames.QuietHoursEnd),
        ("channels", ReminderSettingNames.Channels),
    ];

    /// <summary>Whether the policy sets the field of this wire name.</summary>
    public bool Sets(string field) => Values().TryGetValue(field, out var value) && value is not null;

    /// <summary>The global settings with this policy's fields in their place.</summary>
    public ReminderSettings Over(ReminderSettings global) => global with
    {
        EnabledKinds = Kinds?.ToHashSet() ?? global.EnabledKinds,
        PaymentDueSteps = PaymentDueSteps ?? global.PaymentDueSteps,
        PaymentDueWindow = PaymentDueWindow ?? global.PaymentDueWindow,
        ConfirmReceiptSteps = ConfirmReceiptSteps ?? global.ConfirmReceiptSteps,
        ConfirmReceiptAutoConfirmAfter = ConfirmReceiptAutoConfirmAfter ?? global.ConfirmReceiptAutoConfirmAfter,
        PayLaterSteps = PayLaterSteps ?? global.PayLaterSteps,
        SettlementWindow = SettlementWindow ?? global.SettlementWindow,
        RefundWindow = RefundWindow ?? global.RefundWindow,
        MinInterval = MinInterval ?? global.MinInterval,
        BuyerDailyCap = BuyerDailyCap ?? global.BuyerDailyCap,
        QuietHoursStart = QuietHoursStart ?? global.QuietHoursStart,
        QuietHoursEnd = QuietHoursEnd ?? global.QuietHoursEnd,
        Channels = Channels ?? global.Channels,
    };

    /// <inheritdoc cref="Over(ReminderSettings)"/>
    public ThrottleSettings Over(ThrottleSettings global) => global with
    {
        MinInterval = MinInterval ?? global.MinInterval,
        BuyerDailyCap = BuyerDailyCap ?? global.BuyerDailyCap,
        QuietHoursStart = QuietHoursStart ?? global.QuietHoursStart,
        QuietHoursEnd = QuietHoursEnd ?? global.QuietHoursEnd,
        ChannelOrder = Channels ?? global.ChannelOrder,
    };

    /// <summary>
    /// What is wrong with the policy once merged over the global settings (steps inside their window, ascending, a cap
    /// of at least 1, channels once each), each problem naming its policy field.
    /// </summary>
    public IReadOnlyList<FieldError> Problems(ReminderSettings global, ThrottleSettings throttle, string prefix)
    {
        var fieldOf = Fields.Where(f => f.Setting is not null).ToDictionary(f => f.Setting!, f => prefix + f.Field);
        var errors = Over(global).Validate().Select(e => new FieldError(fieldOf.GetValueOrDefault(e.Setting, prefix.TrimEnd('.')), e.Message)).ToList();
        if (errors.Count > 0) return errors;
        foreach (var problem in Over(throttle).Validate())
        {
            // The throttle names the setting first: "Reminders__BuyerDailyCap: must be at least 1."
            var setting = problem[..problem.IndexOf(':', StringComparison.Ordinal)];
            errors.Add(new FieldError(fieldOf.GetValueOrDefault(setting, prefix.TrimEnd('.')), problem[(setting.Length + 2)..]));
        }
        return errors;
    }

    /// <summary>The fields this policy sets, by wire name, in their wire form.</summary>
    public IReadOnlyDictionary<string, object?> Values() => new Dictionary<string, object?>
    {
        ["kinds"] = Kinds?.Select(k => k.ToWire()).ToList(),
        ["paymentDueSteps"] = Durations(PaymentDueSteps),
        ["paymentDueWindow"] = Duration(PaymentDueWindow),
        ["confirmReceiptSteps"] = Durations(ConfirmReceiptSteps),
        ["confirmReceiptAutoConfirmAfter"] = Duration(ConfirmReceiptAutoConfirmAfter),
        ["payLaterSteps"] = Durations(PayLaterSteps),
        ["settlementWindow"] = Duration(SettlementWindow),
        ["refundWindow"] = Duration(RefundWindow),
        ["minInterval"] = Duration(MinInterval),
        ["buyerDailyCap"] = BuyerDailyCap,
        ["quietHoursStart"] = QuietHoursStart?.ToString("HH:mm", CultureInfo.InvariantCulture),
        ["quietHoursEnd"] = QuietHoursEnd?.ToString("HH:mm", CultureInfo.InvariantCulture),
        ["channels"] = Channels?.Select(c => c.ToWire()).ToList(),
    };

    /// <summary>The effective values of merged settings, in the same wire form as <see cref="Values"/>.</summary>
    public static IReadOnlyDictionary<string, object?> ValuesOf(ReminderSettings settings) => new MerchantPolicy
    {
        Kinds = [.. Enum.GetValues<ReminderKind>().Where(settings.EnabledKinds.Contains)],
        PaymentDueSteps = settings.PaymentDueSteps,
        PaymentDueWindow = settings.PaymentDueWindow,
        ConfirmReceiptSteps = settings.ConfirmReceiptSteps,
        ConfirmReceiptAutoConfirmAfter = settings.ConfirmReceiptAutoConfirmAfter,
        PayLaterSteps = settings.PayLaterSteps,
        SettlementWindow = settings.SettlementWindow,
        RefundWindow = settings.RefundWindow,
        MinInterval = settings.MinInterval,
        BuyerDailyCap = settings.BuyerDailyCap,
        QuietHoursStart = settings.QuietHoursStart,
        QuietHoursEnd = settings.QuietHoursEnd,
        Channels = settings.Channels,
    }.Values();

    public string ToJson() => JsonSerializer.Serialize(Values().Where(v => v.Value is not null).ToDictionary());

    /// <summary>
    /// Reads a policy from JSON (an object of the fields it sets; null or a missing field inherits). Every problem is
    /// added to <paramref name="errors"/> naming <paramref name="prefix"/> + the field.
    /// </summary>
    public static MerchantPolicy Read(JsonElement json, string prefix, List<FieldError> errors)
    {
        if (json.ValueKind == JsonValueKind.Null) return None;
        if (json.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new FieldError(prefix.TrimEnd('.'), "must be an object of policy fields."));
            return None;
        }
        var known = Fields.Select(f => f.Field).ToHashSet(StringComparer.Ordinal);
        foreach (var property in json.EnumerateObject().Where(p => !known.Contains(p.Name)))
        {
            errors.Add(new FieldError(prefix + property.Name, $"is not a policy field; the fields are {string.Join(", ", known)}."));
        }
        var reader = new FieldReader(json, prefix, errors);
        return new MerchantPolicy
        {
            Kinds = reader.List("kinds", text => WireNames.TryParseReminderKind(text, out var kind) ? kind : (ReminderKind?)null, "a reminder kind such as payment_due"),
            PaymentDueSteps = reader.List("paymentDueSteps", ParseDuration, "a duration such as 00:30:00"),
            PaymentDueWindow = reader.One("paymentDueWindow", ParseDuration, "a duration such as 1.00:00:00"),
            ConfirmReceiptSteps = reader.List("confirmReceiptSteps", ParseDuration, "a duration such as 3.00:00:00"),
            ConfirmReceiptAutoConfirmAfter = reader.One("confirmReceiptAutoConfirmAfter", ParseDuration, "a duration such as 10.00:00:00"),
            PayLaterSteps = reader.List("payLaterSteps", ParseDuration, "a duration such as -1.00:00:00"),
            SettlementWindow = reader.One("settlementWindow", ParseDuration, "a duration such as 2.00:00:00"),
            RefundWindow = reader.One("refundWindow", ParseDuration, "a duration such as 3.00:00:00"),
            MinInterval = reader.One("minInterval", ParseDuration, "a duration such as 02:00:00"),
            BuyerDailyCap = reader.Count("buyerDailyCap"),
            QuietHoursStart = reader.One("quietHoursStart", ParseTime, "a time of day such as 22:00"),
            QuietHoursEnd = reader.One("quietHoursEnd", ParseTime, "a time of day such as 08:00"),
            Channels = reader.List("channels", text => WireNames.TryParseChannel(text, out var channel) ? channel : (Channel?)null, "push, sms or email"),
        };
    }

    public static MerchantPolicy FromJson(string? json)
    {
        if (string.IsNullOrEmpty(json)) return None;
        using var document = JsonDocument.Parse(json);
        var errors = new List<FieldError>();
        var policy = Read(document.RootElement, "", errors);
        return errors.Count == 0 ? policy : throw new InvalidDataException($"Stored policy is invalid: {errors[0].Field}: {errors[0].Message}");
    }

    private static TimeSpan? ParseDuration(string text) =>
        TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static TimeOnly? ParseTime(string text) =>
        TimeOnly.TryParse(text, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static List<string>? Durations(IReadOnlyList<TimeSpan>? values) =>
        values?.Select(v => v.ToString("c", CultureInfo.InvariantCulture)).ToList();

    private static string? Duration(TimeSpan? value) => value?.ToString("c", CultureInfo.InvariantCulture);

    /// <summary>Reads optional fields of one JSON object, recording a problem per bad field.</summary>
    private sealed class FieldReader(JsonElement json, string prefix, List<FieldError> errors)
    {
        public T? One<T>(string field, Func<string, T?> parse, string expected) where T : struct
        {
            if (!json.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return null;
            if (value.ValueKind == JsonValueKind.String && parse(value.GetString()!) is { } parsed) return parsed;
            errors.Add(new FieldError(prefix + field, $"must be {expected}."));
            return null;
        }

        public IReadOnlyList<T>? List<T>(string field, Func<string, T?> parse, string expected) where T : struct
        {
            if (!json.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return null;
            if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() > 20)
            {
                errors.Add(new FieldError(prefix + field, $"must be an array (at most 20) of {expected}."));
                return null;
            }
            var items = new List<T>();
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String && parse(item.GetString()!) is { } parsed) items.Add(parsed);
                else
                {
                    errors.Add(new FieldError($"{prefix}{field}[{items.Count}]", $"must be {expected}."));
                    return null;
                }
            }
            return items;
        }

        public int? Count(string field)
        {
            if (!json.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null) return null;
            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var count)) return count;
            errors.Add(new FieldError(prefix + field, "must be a whole number."));
            return null;
        }
    }
}
