using System.Collections.Frozen;
using Reminders.Core.Notifications;

namespace Reminders.Core.Throttling;

/// <summary>Whether a buyer can be reached on one channel.</summary>
public enum ContactStatus
{
    /// <summary>No phone, email or push token for this channel.</summary>
    Missing,
    /// <summary>A contact that has not failed permanently.</summary>
    Available,
    /// <summary>A contact a provider reported as permanently undeliverable.</summary>
    MarkedBad,
}

/// <summary>One reminder about to be sent, with what the throttle needs to know of the buyer's history.</summary>
public sealed record ThrottleRequest
{
    /// <summary>Stable id of the reminder; seeds the jitter so that a retry computes the same time.</summary>
    public required string ReminderId { get; init; }

    public required ReminderKind Kind { get; init; }

    /// <summary>
    /// A notice answering something that just happened (payment failed, refund status): exempt from the
    /// daily cap and the minimum interval, never from opt-out. <see cref="ReminderKind.PaymentFailed"/> is
    /// always treated as transactional.
    /// </summary>
    public bool IsTransactional { get; init; }

    public required DateTimeOffset Now { get; init; }

    /// <summary>IANA name of the buyer's zone; null or unknown means the settings' default.</summary>
    public string? BuyerTimeZoneId { get; init; }

    /// <summary>Per channel, whether the buyer has a usable contact; a channel not listed has none.</summary>
    public IReadOnlyDictionary<Channel, ContactStatus> Contacts { get; init; } = FrozenDictionary<Channel, ContactStatus>.Empty;

    /// <summary>Channels the buyer opted out of.</summary>
    public IReadOnlySet<Channel> OptedOut { get; init; } = FrozenSet<Channel>.Empty;

    /// <summary>Channels a provider already failed on permanently for this reminder.</summary>
    public IReadOnlySet<Channel> FailedChannels { get; init; } = FrozenSet<Channel>.Empty;

    /// <summary>When this order's earlier non-transactional reminders were sent.</summary>
    public IReadOnlyList<DateTimeOffset> OrderSendTimes { get; init; } = [];

    /// <summary>When this buyer's non-transactional reminders were sent in the last 24 hours, across all of their orders, this one's included.</summary>
    public IReadOnlyList<DateTimeOffset> BuyerSendTimesLast24Hours { get; init; } = [];
}
