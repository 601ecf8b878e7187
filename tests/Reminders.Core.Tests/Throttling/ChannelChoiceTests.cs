using System.Collections.Frozen;
using Reminders.Core.Notifications;
using Reminders.Core.Throttling;
using static Reminders.Core.Tests.Throttling.ThrottleTestData;

namespace Reminders.Core.Tests.Throttling;

public sealed class ChannelChoiceTests
{
    private static readonly ThrottleSettings Settings = new();
    private static readonly DateTimeOffset Noon = Local("Asia/Shanghai", 2026, 1, 5, 12);

    [Fact]
    public void Sends_on_the_first_channel_in_order_when_nothing_stands_in_the_way()
    {
        Assert.Equal(new ThrottleDecision.Send(Channel.Push), ReminderThrottle.Decide(Request(Noon), Settings));
    }

    [Fact]
    public void Opt_out_of_one_channel_falls_back_to_the_next()
    {
        var request = Request(Noon) with { OptedOut = new HashSet<Channel> { Channel.Push } };
        Assert.Equal(new ThrottleDecision.Send(Channel.Sms), ReminderThrottle.Decide(request, Settings));
    }

    [Fact]
    public void Missing_and_bad_contacts_are_skipped()
    {
        var contacts = new Dictionary<Channel, ContactStatus>
        {
            [Channel.Sms] = ContactStatus.MarkedBad,
            [Channel.Email] = ContactStatus.Available,
        };
        var request = Request(Noon) with { Contacts = contacts };
        Assert.Equal(new ThrottleDecision.Send(Channel.Email), ReminderThrottle.Decide(request, Settings));
    }

    [Fact]
    public void The_configured_channel_order_is_followed()
    {
        var settings = new ThrottleSettings { ChannelOrder = [Channel.Email, Channel.Sms, Channel.Push] };
        Assert.Equal(new ThrottleDecision.Send(Channel.Email), ReminderThrottle.Decide(Request(Noon), settings));
    }

    [Fact]
    public void Opted_out_of_every_reachable_channel_is_suppressed_as_opted_out()
    {
        var request = Request(Noon) with { OptedOut = new HashSet<Channel> { Channel.Push, Channel.Sms, Channel.Email } };
        var suppress = Assert.IsType<ThrottleDecision.Suppress>(ReminderThrottle.Decide(request, Settings));
        Assert.Equal(ThrottleReasons.OptedOut, suppress.Reason);
        Assert.Contains("opted out", suppress.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void No_usable_contact_is_suppressed_as_no_reachable_channel()
    {
        var request = Request(Noon) with
        {
            Contacts = new Dictionary<Channel, ContactStatus> { [Channel.Email] = ContactStatus.MarkedBad },
        };
        var suppress = Assert.IsType<ThrottleDecision.Suppress>(ReminderThrottle.Decide(request, Settings));
        Assert.Equal(ThrottleReasons.NoReachableChannel, suppress.Reason);
        Assert.Equal("No channel can reach the buyer (push no contact, sms no contact, email contact bad).", suppress.Description);
    }

    [Fact]
    public void Suppression_wins_over_quiet_hours_because_waiting_would_not_help()
    {
        var night = Local("Asia/Shanghai", 2026, 1, 5, 23);
        var request = Request(night) with { Contacts = FrozenDictionary<Channel, ContactStatus>.Empty };
        Assert.IsType<ThrottleDecision.Suppress>(ReminderThrottle.Decide(request, Settings));
    }

    [Theory]
    [InlineData(ReminderKind.PaymentFailed, true)]
    [InlineData(ReminderKind.RefundStalled, true)]
    [InlineData(ReminderKind.PaymentDue, false)]
    public void Transactional_notices_still_respect_opt_out(ReminderKind kind, bool transactional)
    {
        var request = Request(Noon, kind: kind) with
        {
            IsTransactional = transactional,
            OptedOut = new HashSet<Channel> { Channel.Push, Channel.Sms, Channel.Email },
        };
        var suppress = Assert.IsType<ThrottleDecision.Suppress>(ReminderThrottle.Decide(request, Settings));
        Assert.Equal(ThrottleReasons.OptedOut, suppress.Reason);
    }

    [Fact]
    public void A_channel_that_failed_permanently_is_passed_over()
    {
        var request = Request(Noon) with { FailedChannels = new HashSet<Channel> { Channel.Push } };
        Assert.Equal(new ThrottleDecision.Send(Channel.Sms), ReminderThrottle.Decide(request, Settings));
    }

    [Fact]
    public void After_a_permanent_failure_the_chooser_moves_on_and_keeps_honouring_opt_outs()
    {
        var optedOut = new HashSet<Channel> { Channel.Sms };
        var choice = ChannelChooser.ChooseAfterPermanentFailure(Settings.ChannelOrder, AllContacts, optedOut, Channel.Push);
        Assert.Equal(Channel.Email, choice.Channel);
        Assert.Equal(
            [new SkippedChannel(Channel.Push, ChannelChooser.SkipProviderFailed), new SkippedChannel(Channel.Sms, ChannelChooser.SkipOptedOut)],
            choice.Skipped);
        Assert.Null(choice.SuppressReason);
    }

    [Fact]
    public void After_every_channel_failed_nothing_is_left()
    {
        var choice = ChannelChooser.ChooseAfterPermanentFailure(
            Settings.ChannelOrder, AllContacts, FrozenSet<Channel>.Empty, Channel.Email, new HashSet<Channel> { Channel.Push, Channel.Sms });
        Assert.Null(choice.Channel);
        Assert.Equal(ThrottleReasons.NoReachableChannel, choice.SuppressReason);
    }
}
