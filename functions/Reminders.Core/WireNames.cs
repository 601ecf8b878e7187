using System.Collections.Frozen;
using Reminders.Core.Notifications;
using Reminders.Core.Orders;
using Reminders.Core.Planning;

namespace Reminders.Core;

/// <summary>The snake_case names that enums carry on the wire and in storage.</summary>
public static class WireNames
{
    private static readonly FrozenDictionary<OrderState, string> StateNames = new Dictionary<OrderState, string>
    {
        [OrderState.PendingPayment] = "pending_payment",
        [OrderState.Paid] = "paid",
        [OrderState.Shipped] = "shipped",
        [OrderState.Delivered] = "delivered",
        [OrderState.Completed] = "completed",
        [OrderState.Cancelled] = "cancelled",
        [OrderState.RefundPending] = "refund_pending",
        [OrderState.Refunded] = "refunded",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<ReminderKind, string> KindNames = new Dictionary<ReminderKind, string>
    {
        [ReminderKind.PaymentDue] = "payment_due",
        [ReminderKind.ConfirmReceipt] = "confirm_receipt",
        [ReminderKind.PayLaterDue] = "pay_later_due",
        [ReminderKind.PaymentFailed] = "payment_failed",
        [ReminderKind.SettlementMissing] = "settlement_missing",
        [ReminderKind.RefundStalled] = "refund_stalled",
        [ReminderKind.PaymentWindowExpired] = "payment_window_expired",
        [ReminderKind.AutoConfirmDue] = "auto_confirm_due",
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, ReminderKind> KindsByName = KindNames.ToFrozenDictionary(p => p.Value, p => p.Key);

    public static string ToWire(this OrderState state) => StateNames[state];

    public static string ToWire(this ReminderKind kind) => KindNames[kind];

    public static string ToWire(this Channel channel) => channel switch
    {
        Channel.Push => "push",
        Channel.Sms => "sms",
        Channel.Email => "email",
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, null),
    };

    public static string ToWire(this Audience audience) => audience == Audience.Merchant ? "merchant" : "buyer";

    /// <summary>The audience a stored row names; anything but <c>merchant</c> is the buyer.</summary>
    public static Audience ParseAudience(string? name) => name == "merchant" ? Audience.Merchant : Audience.Buyer;

    public static bool TryParseReminderKind(string? name, out ReminderKind kind) =>
        KindsByName.TryGetValue(name ?? "", out kind);

    /// <summary>The channels named in a comma-separated list as stored (<c>sms,email</c>); unknown names are skipped.</summary>
    public static HashSet<Channel> ParseChannelList(string? names) =>
        (names ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(n => TryParseChannel(n, out var c) ? (Channel?)c : null)
            .OfType<Channel>()
            .ToHashSet();

    public static bool TryParseChannel(string? name, out Channel channel)
    {
        switch (name?.Trim().ToLowerInvariant())
        {
            case "push": channel = Channel.Push; return true;
            case "sms": channel = Channel.Sms; return true;
            case "email": channel = Channel.Email; return true;
            default: channel = default; return false;
        }
    }
}
