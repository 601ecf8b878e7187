using System.Security.Cryptography;
using System.Text;

namespace Reminders.Core.Planning;

/// <summary>
/// The reminder ids within one order. They use only <c>a-z 0-9 . _</c>, so they are safe as storage keys.
/// </summary>
public static class ReminderIds
{
    public const string PaymentWindowExpired = "payment_window_expired";
    public const string AutoConfirmDue = "auto_confirm_due";
    public const string SettlementMissing = "settlement_missing";
    public const string RefundStalledMerchant = "refund_stalled.merchant";
    public const string RefundStalledBuyer = "refund_stalled.buyer";

    /// <summary><c>payment_due.1</c> ...</summary>
    public static string PaymentDue(int step) => $"payment_due.{step}";

    /// <summary><c>confirm_receipt.1</c> ...</summary>
    public static string ConfirmReceipt(int step) => $"confirm_receipt.{step}";

    /// <summary><c>pay_later_due.1</c> ...</summary>
    public static string PayLaterDue(int step) => $"pay_later_due.{step}";

    /// <summary><c>payment_failed.</c> and the first 16 hex digits of the SHA-256 of the failure's webhook id.</summary>
    public static string PaymentFailed(string eventId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(eventId));
        return "payment_failed." + Convert.ToHexStringLower(hash.AsSpan(0, 8));
    }
}
