using Reminders.Core.Notifications;

namespace Reminders.Core.Throttling;

/// <summary>
/// The throttle's rules. Defaults are the ones a marketplace would use (see the Settings table in the design).
/// </summary>
public sealed record ThrottleSettings
{
    /// <summary>For buyers without a time zone, or with one this machine does not know (setting Reminders__DefaultTimeZone).</summary>
    public string DefaultTimeZoneId { get; init; } = "Asia/Shanghai";

    /// <summary>Buyer-local start of quiet hours. Equal start and end turn quiet hours off.</summary>
    public TimeOnly QuietHoursStart { get; init; } = new(22, 0);

    /// <summary>Buyer-local end of quiet hours (exclusive).</summary>
    public TimeOnly QuietHoursEnd { get; init; } = new(8, 0);

    /// <summary>Non-transactional reminders per buyer per rolling 24 hours, across all orders.</summary>
    public int BuyerDailyCap { get; init; } = 2;

    /// <summary>Least time between two non-transactional reminders of one order.</summary>
    public TimeSpan MinInterval { get; init; } = TimeSpan.FromHours(2);

    /// <summary>Channels in order of preference.</summary>
    public IReadOnlyList<Channel> ChannelOrder { get; init; } = [Channel.Push, Channel.Sms, Channel.Email];

    /// <summary>Upper bound (exclusive) of the spread added to the end of quiet hours.</summary>
    public TimeSpan MaxJitter { get; init; } = TimeSpan.FromMinutes(10);

    public bool QuietHoursEnabled => QuietHoursStart != QuietHoursEnd;

    /// <summary>What is wrong with these settings, one line per problem naming the setting; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (BuyerTimeZones.TryFind(DefaultTimeZoneId) is null)
            problems.Add($"Reminders__DefaultTimeZone: unknown time zone '{DefaultTimeZoneId}'.");
        if (BuyerDailyCap < 1)
            problems.Add("Reminders__BuyerDailyCap: must be at least 1.");
        if (MinInterval < TimeSpan.Zero)
            problems.Add("Reminders__MinInterval: must not be negative.");
        if (ChannelOrder.Count == 0)
            problems.Add("Reminders__Channels: at least one channel is needed.");
        else if (ChannelOrder.Distinct().Count() != ChannelOrder.Count)
            problems.Add("Reminders__Channels: a channel is listed twice.");
        if (MaxJitter < TimeSpan.Zero)
            problems.Add("Reminders__MaxJitter: must not be negative.");
        return problems;
    }
}
