using Reminders.Core.Notifications;

namespace Reminders.Core.Planning;

/// <summary>Who a reminder goes to.</summary>
public enum Audience
{
    Buyer,
    Merchant,
}

/// <summary>
/// A reminder or deadline that should be pending for an order.
/// </summary>
/// <param name="ReminderId">
/// Deterministic within the order (<see cref="ReminderIds"/>): planning the same order again gives the same ids, so
/// plans can be diffed and a sent reminder is recognised.
/// </param>
/// <param name="Step">1-based position in the kind's steps; 1 for kinds with a single entry.</param>
/// <param name="Transactional">
/// A notice the recipient needs whatever the buyer's daily cap (payment failed, refund status, merchant alerts);
/// false for nudges (payment due, confirm receipt, pay later due).
/// </param>
public sealed record PlannedReminder(
    string ReminderId,
    ReminderKind Kind,
    int Step,
    DateTimeOffset DueAt,
    Audience Audience,
    bool Transactional);
