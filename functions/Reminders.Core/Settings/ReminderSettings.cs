using Reminders.Core.Notifications;

namespace Reminders.Core.Settings;

/// <summary>
/// The <c>Reminders__*</c> settings, with the defaults a marketplace would use (the app binds them from configuration);
/// <see cref="Validate"/> says what is inconsistent.
/// </summary>
public sealed record ReminderSettings
{
    /// <summary>The configuration section: settings are named <c>Reminders__...</c>.</summary>
    public const string SectionName = "Reminders";

    /// <summary><c>Reminders__DefaultTimeZone</c>: IANA zone for buyers without one.</summary>
    public string DefaultTimeZone { get; init; } = "Asia/Shanghai";

    /// <summary><c>Reminders__QuietHours__Start</c>: buyer-local start of quiet hours.</summary>
    public TimeOnly QuietHoursStart { get; init; } = new(22, 0);

    /// <summary><c>Reminders__QuietHours__End</c>: buyer-local end; equal to the start turns quiet hours off.</summary>
    public TimeOnly QuietHoursEnd { get; init; } = new(8, 0);

    /// <summary><c>Reminders__BuyerDailyCap</c>: reminders per buyer per rolling 24 h, transactional notices excepted.</summary>
    public int BuyerDailyCap { get; init; } = 2;

    /// <summary><c>Reminders__MinInterval</c>: least time between two reminders of one order.</summary>
    public TimeSpan MinInterval { get; init; } = TimeSpan.FromHours(2);

    /// <summary><c>Reminders__Channels</c>: channels in the order they are tried.</summary>
    public IReadOnlyList<Channel> Channels { get; init; } = [Channel.Push, Channel.Sms, Channel.Email];

    /// <summary><c>Reminders__PaymentDue__Steps</c>: after <c>order.created</c>.</summary>
    public IReadOnlyList<TimeSpan> PaymentDueSteps { get; init; } =
        [TimeSpan.FromMinutes(30), TimeSpan.FromHours(6), TimeSpan.FromHours(22)];

    /// <summary><c>Reminders__PaymentDue__Window</c>: after <c>order.created</c>; its end is the payment deadline.</summary>
    public TimeSpan PaymentDueWindow { get; init; } = TimeSpan.FromDays(1);

    /// <summary><c>Reminders__ConfirmReceipt__Steps</c>: after <c>order.delivered</c>.</summary>
    public IReadOnlyList<TimeSpan> ConfirmReceiptSteps { get; init; } = [TimeSpan.FromDays(3), TimeSpan.FromDays(7)];

    /// <summary><c>Reminders__ConfirmReceipt__AutoConfirmAfter</c>: after <c>order.delivered</c>.</summary>
    public TimeSpan ConfirmReceiptAutoConfirmAfter { get; init; } = TimeSpan.FromDays(10);

    /// <summary><c>Reminders__PayLater__Steps</c>: relative to <c>payLater.dueAt</c>, negative before it.</summary>
    public IReadOnlyList<TimeSpan> PayLaterSteps { get; init; } =
        [TimeSpan.FromDays(-3), TimeSpan.FromDays(-1), TimeSpan.Zero, TimeSpan.FromDays(1), TimeSpan.FromDays(3)];

    /// <summary><c>Reminders__Settlement__Window</c>: after <c>payment.succeeded</c> without <c>settlement.completed</c>.</summary>
    public TimeSpan SettlementWindow { get; init; } = TimeSpan.FromDays(2);

    /// <summary><c>Reminders__Refund__Window</c>: after <c>refund.requested</c> without <c>refund.completed</c>.</summary>
    public TimeSpan RefundWindow { get; init; } = TimeSpan.FromDays(3);

    /// <summary>The kinds planned at all; every kind unless a merchant's policy turns some off.</summary>
    public IReadOnlySet<ReminderKind> EnabledKinds { get; init; } = AllKinds;

    private static readonly IReadOnlySet<ReminderKind> AllKinds = Enum.GetValues<ReminderKind>().ToHashSet();

    /// <summary>Whose rules these are, for the order's timeline (the merchant's policy and its version); null for the settings alone.</summary>
    public string? Source { get; init; }

    /// <summary>Quiet hours are off when start and end are equal.</summary>
    public bool HasQuietHours => QuietHoursStart != QuietHoursEnd;

    /// <summary>Every inconsistency, each naming its setting; empty when the settings can be used.</summary>
    public IReadOnlyList<SettingError> Validate()
    {
        var errors = new List<SettingError>();

        if (string.IsNullOrWhiteSpace(DefaultTimeZone) || !TimeZoneInfo.TryFindSystemTimeZoneById(DefaultTimeZone, out _))
        {
            errors.Add(new(ReminderSettingNames.DefaultTimeZone, "must be an IANA time zone name known to the system, such as Asia/Shanghai."));
        }
        if (BuyerDailyCap < 0)
        {
            errors.Add(new(ReminderSettingNames.BuyerDailyCap, "must not be negative."));
        }
        if (MinInterval < TimeSpan.Zero)
        {
            errors.Add(new(ReminderSettingNames.MinInterval, "must not be negative."));
        }
        if (Channels.Count == 0)
        {
            errors.Add(new(ReminderSettingNames.Channels, "must name at least one channel."));
        }
        else if (Channels.Distinct().Count() != Channels.Count)
        {
            errors.Add(new(ReminderSettingNames.Channels, "must not name a channel twice."));
        }

        RequirePositive(errors, ReminderSettingNames.PaymentDueWindow, PaymentDueWindow);
        RequireAscending(errors, ReminderSettingNames.PaymentDueSteps, PaymentDueSteps);
        if (PaymentDueSteps.Any(s => s <= TimeSpan.Zero || s >= PaymentDueWindow))
        {
            errors.Add(new(ReminderSettingNames.PaymentDueSteps, $"must each be after order creation and before the end of {ReminderSettingNames.PaymentDueWindow}."));
        }

        RequirePositive(errors, ReminderSettingNames.ConfirmReceiptAutoConfirmAfter, ConfirmReceiptAutoConfirmAfter);
        RequireAscending(errors, ReminderSettingNames.ConfirmReceiptSteps, ConfirmReceiptSteps);
        if (ConfirmReceiptSteps.Any(s => s <= TimeSpan.Zero || s >= ConfirmReceiptAutoConfirmAfter))
        {
            errors.Add(new(ReminderSettingNames.ConfirmReceiptSteps, $"must each be after delivery and before {ReminderSettingNames.ConfirmReceiptAutoConfirmAfter}."));
        }

        RequireAscending(errors, ReminderSettingNames.PayLaterSteps, PayLaterSteps);
        RequirePositive(errors, ReminderSettingNames.SettlementWindow, SettlementWindow);
        RequirePositive(errors, ReminderSettingNames.RefundWindow, RefundWindow);
        return errors;
    }

    private static void RequirePositive(List<SettingError> errors, string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero) errors.Add(new(name, "must be longer than zero."));
    }

    private static void RequireAscending(List<SettingError> errors, string name, IReadOnlyList<TimeSpan> steps)
    {
        for (var i = 1; i < steps.Count; i++)
        {
            if (steps[i] <= steps[i - 1])
            {
                errors.Add(new(name, "must be in strictly ascending order."));
                return;
            }
        }
    }
}

/// <summary>A setting that cannot be used, by its flat name (<c>Reminders__PaymentDue__Steps</c>).</summary>
public sealed record SettingError(string Setting, string Message);

/// <summary>The flat names of the settings, as app settings and environment variables spell them.</summary>
public static class ReminderSettingNames
{
    public const string DefaultTimeZone = "Reminders__DefaultTimeZone";
    public const string QuietHoursStart = "Reminders__QuietHours__Start";
    public const string QuietHoursEnd = "Reminders__QuietHours__End";
    public const string BuyerDailyCap = "Reminders__BuyerDailyCap";
    public const string MinInterval = "Reminders__MinInterval";
    public const string Channels = "Reminders__Channels";
    public const string PaymentDueSteps = "Reminders__PaymentDue__Steps";
    public const string PaymentDueWindow = "Reminders__PaymentDue__Window";
    public const string ConfirmReceiptSteps = "Reminders__ConfirmReceipt__Steps";
    public const string ConfirmReceiptAutoConfirmAfter = "Reminders__ConfirmReceipt__AutoConfirmAfter";
    public const string PayLaterSteps = "Reminders__PayLater__Steps";
    public const string SettlementWindow = "Reminders__Settlement__Window";
    public const string RefundWindow = "Reminders__Refund__Window";
}
