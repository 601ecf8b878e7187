using System.Collections.Frozen;
using Reminders.Core.Notifications;

namespace Reminders.Core.Throttling;

/// <summary>A channel passed over, and why: <c>no_contact</c>, <c>contact_bad</c>, <c>provider_failed</c> or <c>opted_out</c>.</summary>
public sealed record SkippedChannel(Channel Channel, string Reason);

/// <summary>The first usable channel, or none; and the channels passed over on the way.</summary>
public sealed record ChannelChoice(Channel? Channel, IReadOnlyList<SkippedChannel> Skipped)
{
    /// <summary>
    /// Why nothing was chosen: <c>opted_out</c> if a channel the buyer could be reached on was refused by
    /// an opt-out, otherwise <c>no_reachable_channel</c>. Null when a channel was chosen.
    /// </summary>
    public string? SuppressReason => Channel is not null ? null
        : Skipped.Any(s => s.Reason == ChannelChooser.SkipOptedOut) ? ThrottleReasons.OptedOut
        : ThrottleReasons.NoReachableChannel;
}

/// <summary>Picks the channel for a reminder: the first in the configured order that the buyer can be reached on and has not opted out of.</summary>
public static class ChannelChooser
{
    public const string SkipNoContact = "no_contact";
    public const string SkipContactBad = "contact_bad";
    public const string SkipProviderFailed = "provider_failed";
    public const string SkipOptedOut = "opted_out";

    public static ChannelChoice Choose(
        IReadOnlyList<Channel> order,
        IReadOnlyDictionary<Channel, ContactStatus> contacts,
        IReadOnlySet<Channel> optedOut,
        IReadOnlySet<Channel>? failed = null)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(contacts);
        ArgumentNullException.ThrowIfNull(optedOut);
        failed ??= FrozenSet<Channel>.Empty;

        var skipped = new List<SkippedChannel>();
        foreach (var channel in order)
        {
            var reason = contacts.GetValueOrDefault(channel, ContactStatus.Missing) switch
            {
                ContactStatus.Missing => SkipNoContact,
                ContactStatus.MarkedBad => SkipContactBad,
                _ when failed.Contains(channel) => SkipProviderFailed,
                _ when optedOut.Contains(channel) => SkipOptedOut,
                _ => null,
            };
            if (reason is null) return new ChannelChoice(channel, skipped);
            skipped.Add(new SkippedChannel(channel, reason));
        }
        return new ChannelChoice(null, skipped);
    }

    /// <summary>
    /// The next channel after a provider failed permanently on <paramref name="failedChannel"/>
    /// (together with any channels that failed before), under the same rules as the first choice.
    /// </summary>
    public static ChannelChoice ChooseAfterPermanentFailure(
        IReadOnlyList<Channel> order,
        IReadOnlyDictionary<Channel, ContactStatus> contacts,
        IReadOnlySet<Channel> optedOut,
        Channel failedChannel,
        IReadOnlySet<Channel>? failedBefore = null)
    {
        var failed = new HashSet<Channel>(failedBefore ?? FrozenSet<Channel>.Empty) { failedChannel };
        return Choose(order, contacts, optedOut, failed);
    }
}
