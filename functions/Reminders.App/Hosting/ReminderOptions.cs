using System.ComponentModel.DataAnnotations;
using Reminders.Channels.Settings;
using Reminders.Core.Notifications;
using Reminders.Core.Settings;
using Reminders.Core.Throttling;

namespace Reminders.App.Hosting;

/// <summary>
/// The Reminders__* settings as the configuration binder reads them (durations are TimeSpan strings, lists
/// comma-separated), checked at start-up by Core's own rules (<see cref="ReminderSettings.Validate"/>,
/// <see cref="ThrottleSettings.Validate"/>) and mapped to Core's settings.
/// </summary>
public sealed class ReminderOptions : IValidatableObject
{
    public const string Section = ReminderSettings.SectionName;

    private static readonly ReminderSettings Defaults = new();

    public string DefaultTimeZone { get; set; } = Defaults.DefaultTimeZone;

    public QuietHoursOptions QuietHours { get; set; } = new();

    public int BuyerDailyCap { get; set; } = Defaults.BuyerDailyCap;

    public TimeSpan MinInterval { get; set; } = Defaults.MinInterval;

    /// <summary>Reminders__MaxJitter: spread added to the end of quiet hours.</summary>
    public TimeSpan MaxJitter { get; set; } = new ThrottleSettings().MaxJitter;

    public CommaList<Channel> Channels { get; set; } = new(Defaults.Channels);

    public StepsOptions PaymentDue { get; set; } = new() { Steps = new(Defaults.PaymentDueSteps), Window = Defaults.PaymentDueWindow };

    public StepsOptions ConfirmReceipt { get; set; } = new() { Steps = new(Defaults.ConfirmReceiptSteps), AutoConfirmAfter = Defaults.ConfirmReceiptAutoConfirmAfter };

    public StepsOptions PayLater { get; set; } = new() { Steps = new(Defaults.PayLaterSteps) };

    public StepsOptions Settlement { get; set; } = new() { Window = Defaults.SettlementWindow };

    public StepsOptions Refund { get; set; } = new() { Window = Defaults.RefundWindow };

    /// <summary>Reminders__PublicBaseUrl: how buyers and Twilio reach this app (unsubscribe links, webhook signatures).</summary>
    [HttpUrl]
    public Uri PublicBaseUrl { get; set; } = new("http://localhost:7071");

    public ReminderSettings ToReminderSettings() => new()
    {
        DefaultTimeZone = DefaultTimeZone.Trim(),
        QuietHoursStart = QuietHours.Start,
        QuietHoursEnd = QuietHours.End,
        BuyerDailyCap = BuyerDailyCap,
        MinInterval = MinInterval,
        Channels = Channels,
        PaymentDueSteps = PaymentDue.Steps,
        PaymentDueWindow = PaymentDue.Window,
        ConfirmReceiptSteps = ConfirmReceipt.Steps,
        ConfirmReceiptAutoConfirmAfter = ConfirmReceipt.AutoConfirmAfter,
        PayLaterSteps = PayLater.Steps,
        SettlementWindow = Settlement.Window,
        RefundWindow = Refund.Window,
    };

    public ThrottleSettings ToThrottleSettings() => new()
    {
        DefaultTimeZoneId = DefaultTimeZone.Trim(),
        QuietHoursStart = QuietHours.Start,
        QuietHoursEnd = QuietHours.End,
        BuyerDailyCap = BuyerDailyCap,
        MinInterval = MinInterval,
        ChannelOrder = Channels,
        MaxJitter = MaxJitter,
    };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Channels.Any(channel => !Enum.IsDefined(channel)))
        {
            yield return new("must be a comma-separated list of push, sms and email.", [nameof(Channels)]);
            yield break;
        }
        var errors = ToReminderSettings().Validate();
        foreach (var error in errors)
        {
            // Core names the setting flat (Reminders__PaymentDue__Steps); the member is its path in this section.
            yield return new(error.Message, [error.Setting[(Section.Length + 2)..].Replace("__", ":", StringComparison.Ordinal)]);
        }
        if (errors.Count > 0) yield break;
        // The throttle's own rules (a cap of at least 1, MaxJitter); each problem names its setting.
        foreach (var problem in ToThrottleSettings().Validate()) yield return new(problem);
    }
}

/// <summary>Reminders__QuietHours__Start and __End: buyer-local times of day; equal values turn quiet hours off.</summary>
public sealed class QuietHoursOptions
{
    public TimeOnly Start { get; set; } = new ReminderSettings().QuietHoursStart;

    public TimeOnly End { get; set; } = new ReminderSettings().QuietHoursEnd;
}

/// <summary>One reminder kind's settings (Reminders__PaymentDue__Steps, __Window and the like); each kind uses some.</summary>
public sealed class StepsOptions
{
    public CommaList<TimeSpan> Steps { get; set; } = new([]);

    public TimeSpan Window { get; set; }

    public TimeSpan AutoConfirmAfter { get; set; }
}
