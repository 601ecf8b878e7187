namespace Reminders.Core.Notifications;

/// <summary>What a reminder or alert is about. Wire names (snake_case) are part of the admin API contract.</summary>
public enum ReminderKind
{
    /// <summary>催付: placed, not paid. To the buyer.</summary>
    PaymentDue,
    /// <summary>提醒收货: delivered, receipt not confirmed. To the buyer.</summary>
    ConfirmReceipt,
    /// <summary>先用后付: pay-later order coming or past due. To the buyer.</summary>
    PayLaterDue,
    /// <summary>A payment attempt failed. Transactional, to the buyer at once.</summary>
    PaymentFailed,
    /// <summary>Gateway said paid, settlement never reached the merchant. To the merchant.</summary>
    SettlementMissing,
    /// <summary>Refund not completed within its window. To the merchant, and a status notice to the buyer.</summary>
    RefundStalled,
    /// <summary>The payment window closed unpaid. To the merchant.</summary>
    PaymentWindowExpired,
    /// <summary>The auto-confirm deadline was reached. To the merchant.</summary>
    AutoConfirmDue,
}
