using Microsoft.Extensions.Time.Testing;
using Reminders.Core.Notifications;
using Reminders.Core.Orders;
using Reminders.Core.Planning;
using Reminders.Core.Settings;
using Reminders.Core.Tests.Orders;
using Reminders.TestSupport;
using static Reminders.Core.Orders.OrderEventType;

namespace Reminders.Core.Tests.Planning;

public sealed class ReminderPlannerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);
    private static readonly ReminderSettings Settings = new();

    private static IReadOnlyList<PlannedReminder> Plan(params OrderEvent[] events) =>
        ReminderPlanner.Plan(TestEvents.Replay(events), Settings);

    private static IEnumerable<string> Ids(IEnumerable<PlannedReminder> plan) => plan.Select(r => r.ReminderId);

    [Fact]
    public void An_unpaid_order_gets_payment_due_steps_and_the_window_deadline()
    {
        var plan = Plan(TestEvents.Created(T0));

        Assert.Equal(
            [
                new("payment_due.1", ReminderKind.PaymentDue, 1, T0.AddMinutes(30), Audience.Buyer, false),
                new("payment_due.2", ReminderKind.PaymentDue, 2, T0.AddHours(6), Audience.Buyer, false),
                new("payment_due.3", ReminderKind.PaymentDue, 3, T0.AddHours(22), Audience.Buyer, false),
                new PlannedReminder("payment_window_expired", ReminderKind.PaymentWindowExpired, 1, T0.AddDays(1), Audience.Merchant, true),
            ],
            plan);
    }

    [Fact]
    public void Kinds_that_are_not_enabled_are_not_planned()
    {
        var settings = Settings with { EnabledKinds = new HashSet<ReminderKind> { ReminderKind.PaymentWindowExpired } };

        var plan = ReminderPlanner.Plan(TestEvents.Replay(TestEvents.Created(T0)), settings);

        Assert.Equal(["payment_window_expired"], Ids(plan));
    }

    [Fact]
    public void Payment_voids_the_payment_reminders_and_starts_the_settlement_watch()
    {
        var before = Plan(TestEvents.Created(T0));
        var after = Plan(TestEvents.Created(T0), TestEvents.Of(PaymentSucceeded, T0.AddHours(1)));

        var voided = Ids(before).Except(Ids(after)).ToList();

        Assert.Equal(["payment_due.1", "payment_due.2", "payment_due.3", "payment_window_expired"], voided);
        Assert.Equal([new PlannedReminder("settlement_missing", ReminderKind.SettlementMissing, 1, T0.AddHours(1).AddDays(2), Audience.Merchant, true)], after);
    }

    [Fact]
    public void Settlement_ends_the_settlement_watch()
    {
        var plan = Plan(TestEvents.Created(T0), TestEvents.Of(PaymentSucceeded, T0.AddHours(1)), TestEvents.Of(SettlementCompleted, T0.AddDays(1)));

        Assert.Empty(plan);
    }

    [Fact]
    public void A_cancelled_unpaid_order_has_nothing_pending()
    {
        Assert.Empty(Plan(TestEvents.Created(T0), TestEvents.Of(OrderCancelled, T0.AddMinutes(10))));
    }

    [Fact]
    public void A_delivered_order_gets_confirm_receipt_steps_and_the_auto_confirm_deadline()
    {
        var deliveredAt = T0.AddDays(2);
        var plan = Plan(TestEvents.Created(T0), TestEvents.Of(PaymentSucceeded, T0), TestEvents.Of(SettlementCompleted, T0.AddHours(3)),
            TestEvents.Of(OrderShipped, T0.AddDays(1)), TestEvents.Of(OrderDelivered, deliveredAt));

        Assert.Equal(
            [
                new("confirm_receipt.1", ReminderKind.ConfirmReceipt, 1, deliveredAt.AddDays(3), Audience.Buyer, false),
                new("confirm_receipt.2", ReminderKind.ConfirmReceipt, 2, deliveredAt.AddDays(7), Audience.Buyer, false),
                new PlannedReminder("auto_confirm_due", ReminderKind.AutoConfirmDue, 1, deliveredAt.AddDays(10), Audience.Merchant, true),
            ],
            plan);
    }

    [Fact]
    public void Confirming_receipt_voids_the_confirm_receipt_reminders()
    {
        var plan = Plan(TestEvents.Created(T0), TestEvents.Of(PaymentSucceeded, T0), TestEvents.Of(SettlementCompleted, T0.AddHours(3)),
            TestEvents.Of(OrderDelivered, T0.AddDays(2)), TestEvents.Of(OrderReceiptConfirmed, T0.AddDays(4)));

        Assert.Empty(plan);
    }

    [Fact]
    public void A_pay_later_order_gets_reminders_around_its_due_date_until_paid()
    {
        var dueAt = T0.AddDays(30);
        var created = TestEvents.Created(T0, payLaterDueAt: dueAt);
        var shipped = TestEvents.Of(OrderShipped, T0.AddDays(1));

        var plan = Plan(created, shipped);

        Assert.Equal(
            [
                new("pay_later_due.1", ReminderKind.PayLaterDue, 1, dueAt.AddDays(-3), Audience.Buyer, false),
                new("pay_later_due.2", ReminderKind.PayLaterDue, 2, dueAt.AddDays(-1), Audience.Buyer, false),
                new("pay_later_due.3", ReminderKind.PayLaterDue, 3, dueAt, Audience.Buyer, false),
                new("pay_later_due.4", ReminderKind.PayLaterDue, 4, dueAt.AddDays(1), Audience.Buyer, false),
                new PlannedReminder("pay_later_due.5", ReminderKind.PayLaterDue, 5, dueAt.AddDays(3), Audience.Buyer, false),
            ],
            plan);
        Assert.DoesNotContain(plan, r => r.Kind is ReminderKind.PaymentDue or ReminderKind.PaymentWindowExpired);

        var paid = Plan(created, shipped, TestEvents.Of(PaymentSucceeded, dueAt.AddDays(-2)));
        Assert.DoesNotContain(paid, r => r.Kind == ReminderKind.PayLaterDue);
    }

    [Fact]
    public void A_pay_later_order_stays_due_after_delivery_and_confirmation_but_not_after_cancellation()
    {
        var created = TestEvents.Created(T0, payLaterDueAt: T0.AddDays(30));
        var delivered = TestEvents.Of(OrderDelivered, T0.AddDays(2));
        var confirmed = TestEvents.Of(OrderReceiptConfirmed, T0.AddDays(3));

        Assert.Equal(5, Plan(created, delivered, confirmed).Count(r => r.Kind == ReminderKind.PayLaterDue));
        Assert.Empty(Plan(created, TestEvents.Of(OrderCancelled, T0.AddDays(1))));
    }

    [Fact]
    public void A_payment_failure_is_told_at_once_and_voided_by_payment()
    {
        var failedAt = T0.AddMinutes(3);
        var failure = TestEvents.Of(PaymentFailed, failedAt, "msg_fail_1");

        var plan = Plan(TestEvents.Created(T0), failure);

        var notice = Assert.Single(plan, r => r.Kind == ReminderKind.PaymentFailed);
        Assert.Matches("^payment_failed\\.[0-9a-f]{16}$", notice.ReminderId);
        Assert.Equal(ReminderIds.PaymentFailed("msg_fail_1"), notice.ReminderId);
        Assert.Equal(failedAt, notice.DueAt);
        Assert.Equal(Audience.Buyer, notice.Audience);
        Assert.True(notice.Transactional);

        var paid = Plan(TestEvents.Created(T0), failure, TestEvents.Of(PaymentSucceeded, T0.AddMinutes(10)));
        Assert.DoesNotContain(paid, r => r.Kind == ReminderKind.PaymentFailed);
    }

    [Fact]
    public void Each_payment_failure_has_its_own_stable_id()
    {
        var events = new[]
        {
            TestEvents.Created(T0),
            TestEvents.Of(PaymentFailed, T0.AddMinutes(3), "msg_fail_1"),
            TestEvents.Of(PaymentFailed, T0.AddMinutes(4), "msg_fail_2"),
        };

        var first = Plan(events);
        var again = Plan([.. events.Reverse()]);

        Assert.Equal(first, again);
        Assert.Equal(2, first.Where(r => r.Kind == ReminderKind.PaymentFailed).Select(r => r.ReminderId).Distinct().Count());
        Assert.NotEqual(ReminderIds.PaymentFailed("msg_fail_1"), ReminderIds.PaymentFailed("msg_fail_2"));
    }

    [Fact]
    public void A_requested_refund_alerts_merchant_and_buyer_when_its_window_ends()
    {
        var requestedAt = T0.AddDays(5);
        var plan = Plan(TestEvents.Created(T0), TestEvents.Of(PaymentSucceeded, T0), TestEvents.Of(SettlementCompleted, T0.AddDays(1)),
            TestEvents.Of(RefundRequested, requestedAt));

        Assert.Equal(
            [
                new("refund_stalled.buyer", ReminderKind.RefundStalled, 1, requestedAt.AddDays(3), Audience.Buyer, true),
                new PlannedReminder("refund_stalled.merchant", ReminderKind.RefundStalled, 1, requestedAt.AddDays(3), Audience.Merchant, true),
            ],
            plan);
    }

    [Fact]
    public void A_failed_refund_alerts_at_once_and_a_completed_one_voids_the_alerts()
    {
        var events = new List<OrderEvent>
        {
            TestEvents.Created(T0), TestEvents.Of(PaymentSucceeded, T0), TestEvents.Of(RefundRequested, T0.AddDays(5)),
            TestEvents.Of(RefundFailed, T0.AddDays(6)),
        };

        var failed = Plan([.. events]);
        Assert.All(failed.Where(r => r.Kind == ReminderKind.RefundStalled), r => Assert.Equal(T0.AddDays(6), r.DueAt));
        Assert.Contains(failed, r => r.Kind == ReminderKind.SettlementMissing);

        events.Add(TestEvents.Of(RefundCompleted, T0.AddDays(7)));
        Assert.Empty(Plan([.. events]));
    }

    [Fact]
    public void Short_settings_plan_in_seconds_and_the_clock_decides_what_is_due()
    {
        var clock = new FakeTimeProvider(T0);
        var settings = new ReminderSettings
        {
            PaymentDueSteps = [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15)],
            PaymentDueWindow = TimeSpan.FromSeconds(30),
        };
        var order = TestEvents.Replay(TestEvents.Created(clock.GetUtcNow()));
        var plan = ReminderPlanner.Plan(order, settings);

        clock.Advance(TimeSpan.FromSeconds(16));
        var due = plan.Where(r => r.DueAt <= clock.GetUtcNow()).Select(r => r.ReminderId);

        Assert.Equal(["payment_due.1", "payment_due.2"], due);
        Assert.Equal(T0.AddSeconds(30), plan.Single(r => r.Kind == ReminderKind.PaymentWindowExpired).DueAt);
    }

    public static TheoryData<string, ReminderKind, bool> Relevance => new()
    {
        { "pending", ReminderKind.PaymentDue, true },
        { "pending", ReminderKind.PaymentWindowExpired, true },
        { "pending", ReminderKind.ConfirmReceipt, false },
        { "pending", ReminderKind.SettlementMissing, false },
        { "paid", ReminderKind.PaymentDue, false },
        { "paid", ReminderKind.PaymentWindowExpired, false },
        { "paid", ReminderKind.PaymentFailed, false },
        { "paid", ReminderKind.SettlementMissing, true },
        { "cancelled", ReminderKind.PaymentDue, false },
        { "cancelled", ReminderKind.PaymentFailed, false },
        { "failed", ReminderKind.PaymentFailed, true },
        { "delivered", ReminderKind.ConfirmReceipt, true },
        { "delivered", ReminderKind.AutoConfirmDue, true },
        { "confirmed", ReminderKind.ConfirmReceipt, false },
        { "confirmed", ReminderKind.AutoConfirmDue, false },
        { "pay_later", ReminderKind.PayLaterDue, true },
        { "pay_later", ReminderKind.PaymentDue, false },
        { "pay_later_paid", ReminderKind.PayLaterDue, false },
        { "refund_requested", ReminderKind.RefundStalled, true },
        { "refund_requested", ReminderKind.ConfirmReceipt, false },
        { "refunded", ReminderKind.RefundStalled, false },
        { "refunded", ReminderKind.SettlementMissing, false },
    };

    [Theory]
    [MemberData(nameof(Relevance))]
    public void A_reminder_is_still_due_only_while_the_order_needs_it(string situation, ReminderKind kind, bool expected)
    {
        OrderEvent[] events = situation switch
        {
            "pending" => [TestEvents.Created(T0)],
            "paid" => [TestEvents.Created(T0), TestEvents.Of(PaymentSucceeded, T0)],
            "cancelled" => [TestEvents.Created(T0), TestEvents.Of(PaymentFailed, T0), TestEvents.Of(OrderCancelled, T0)],
            "failed" => [TestEvents.Created(T0), TestEvents.Of(PaymentFailed, T0)],
            "delivered" => [TestEvents.Created(T0), TestEvents.Of(PaymentSucceeded, T0), TestEvents.Of(OrderDelivered, T0)],
            "confirmed" => [TestEvents.Created(T0), TestEvents.Of(PaymentSucceeded, T0), TestEvents.Of(OrderDelivered, T0), TestEvents.Of(OrderReceiptConfirmed, T0)],
            "pay_later" => [TestEvents.Created(T0, payLaterDueAt: T0.AddDays(30))],
            "pay_later_paid" => [TestEvents.Created(T0, payLaterDueAt: T0.AddDays(30)), TestEvents.Of(PaymentSucceeded, T0)],
            "refund_requested" => [TestEvents.Created(T0), TestEvents.Of(PaymentSucceeded, T0), TestEvents.Of(OrderDelivered, T0), TestEvents.Of(RefundRequested, T0)],
            "refunded" => [TestEvents.Created(T0), TestEvents.Of(PaymentSucceeded, T0), TestEvents.Of(RefundRequested, T0), TestEvents.Of(RefundCompleted, T0)],
            _ => throw new ArgumentOutOfRangeException(nameof(situation)),
        };

        Assert.Equal(expected, ReminderRelevance.IsStillDue(TestEvents.Replay(events), kind));
    }

    [Fact]
    public void A_planned_reminder_id_is_still_due_until_the_order_moves_on()
    {
        var pending = TestEvents.Replay(TestEvents.Created(T0));
        var paid = pending.Apply(TestEvents.Of(PaymentSucceeded, T0.AddHours(1)));

        Assert.True(ReminderRelevance.IsStillDue(pending, "payment_due.2", Settings));
        Assert.False(ReminderRelevance.IsStillDue(pending, "payment_due.9", Settings));
        Assert.False(ReminderRelevance.IsStillDue(paid, "payment_due.2", Settings));
        Assert.True(ReminderRelevance.IsStillDue(paid, ReminderIds.SettlementMissing, Settings));
    }
}
