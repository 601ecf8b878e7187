using Reminders.Core.Orders;
using Reminders.TestSupport;
using static Reminders.Core.Orders.OrderEventType;
using static Reminders.Core.Orders.OrderState;

namespace Reminders.Core.Tests.Orders;

public sealed class OrderApplyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);

    // How to reach each state, one event an hour.
    private static readonly Dictionary<OrderState, OrderEventType[]> PathTo = new()
    {
        [PendingPayment] = [OrderCreated],
        [Paid] = [OrderCreated, PaymentSucceeded],
        [Shipped] = [OrderCreated, PaymentSucceeded, OrderShipped],
        [Delivered] = [OrderCreated, PaymentSucceeded, OrderShipped, OrderDelivered],
        [Completed] = [OrderCreated, PaymentSucceeded, OrderShipped, OrderDelivered, OrderReceiptConfirmed],
        [Cancelled] = [OrderCreated, OrderCancelled],
        [RefundPending] = [OrderCreated, PaymentSucceeded, RefundRequested],
        [Refunded] = [OrderCreated, PaymentSucceeded, RefundRequested, RefundCompleted],
    };

    // Columns in the order of OrderEventType: created, shipped, delivered, receipt_confirmed, cancelled,
    // payment.succeeded, payment.failed, refund.requested, refund.completed, refund.failed, settlement.completed.
    private static readonly Dictionary<OrderState, OrderState[]> Expected = new()
    {
        [PendingPayment] = [PendingPayment, Shipped, Delivered, Completed, Cancelled, Paid, PendingPayment, RefundPending, Refunded, RefundPending, PendingPayment],
        [Paid] = [Paid, Shipped, Delivered, Completed, Cancelled, Paid, Paid, RefundPending, Refunded, RefundPending, Paid],
        [Shipped] = [Shipped, Shipped, Delivered, Completed, Cancelled, Shipped, Shipped, RefundPending, Refunded, RefundPending, Shipped],
        [Delivered] = [Delivered, Delivered, Delivered, Completed, Cancelled, Delivered, Delivered, RefundPending, Refunded, RefundPending, Delivered],
        [Completed] = [Completed, Completed, Completed, Completed, Completed, Completed, Completed, RefundPending, Refunded, RefundPending, Completed],
        [Cancelled] = [Cancelled, Cancelled, Cancelled, Completed, Cancelled, Cancelled, Cancelled, RefundPending, Refunded, RefundPending, Cancelled],
        [RefundPending] = [RefundPending, RefundPending, RefundPending, RefundPending, RefundPending, RefundPending, RefundPending, RefundPending, Refunded, RefundPending, RefundPending],
        [Refunded] = [Refunded, Refunded, Refunded, Refunded, Refunded, Refunded, Refunded, Refunded, Refunded, Refunded, Refunded],
    };

    public static TheoryData<OrderState, OrderEventType, OrderState> EveryEventInEveryState()
    {
        var data = new TheoryData<OrderState, OrderEventType, OrderState>();
        foreach (var (state, row) in Expected)
        {
            for (var i = 0; i < row.Length; i++) data.Add(state, (OrderEventType)i, row[i]);
        }
        return data;
    }

    private static Order Reach(OrderState state) =>
        TestEvents.Replay([.. PathTo[state].Select((type, i) => TestEvents.Of(type, T0.AddHours(i)))]);

    [Fact]
    public void The_table_covers_every_state_and_event()
    {
        Assert.Equal(Enum.GetValues<OrderState>().Order(), Expected.Keys.Order());
        Assert.All(Expected.Values, row => Assert.Equal(Enum.GetValues<OrderEventType>().Length, row.Length));
        Assert.All(PathTo, p => Assert.Equal(p.Key, Reach(p.Key).State));
    }

    [Theory]
    [MemberData(nameof(EveryEventInEveryState))]
    public void Every_event_in_every_state_moves_as_the_table_says(OrderState from, OrderEventType type, OrderState to)
    {
        var before = Reach(from);
        var newEvent = TestEvents.Of(type, T0.AddHours(10), "evt_new");

        var after = before.Apply(newEvent);

        Assert.Equal(to, after.State);
        Assert.True(after.State.Rank() >= before.State.Rank());
        Assert.Equal(to, after.Apply(newEvent).State);
        Assert.Equal(after, after.Apply(newEvent));
    }

    [Theory]
    [MemberData(nameof(EveryState))]
    public void Replaying_the_events_that_reached_a_state_changes_nothing(OrderState state)
    {
        var order = Reach(state);

        foreach (var (type, i) in PathTo[state].Select((type, i) => (type, i)))
        {
            Assert.Equal(order, order.Apply(TestEvents.Of(type, T0.AddHours(i))));
        }
    }

    public static TheoryData<OrderState> EveryState() => new(Enum.GetValues<OrderState>());

    [Fact]
    public void A_late_order_created_does_not_make_a_paid_order_unpaid()
    {
        var order = TestEvents.Replay(
            TestEvents.Of(PaymentSucceeded, T0.AddMinutes(5)),
            TestEvents.Created(T0));

        Assert.Equal(Paid, order.State);
        Assert.Equal(T0, order.CreatedAt);
        Assert.Equal(T0.AddMinutes(5), order.PaidAt);
        Assert.Equal("merchant_1", order.MerchantId);
    }

    [Fact]
    public void Delivered_before_shipped_is_fine()
    {
        var order = TestEvents.Replay(
            TestEvents.Created(T0),
            TestEvents.Of(OrderDelivered, T0.AddDays(2)),
            TestEvents.Of(OrderShipped, T0.AddDays(1)));

        Assert.Equal(Delivered, order.State);
        Assert.Equal(T0.AddDays(1), order.ShippedAt);
    }

    [Fact]
    public void A_pay_later_order_ships_before_it_is_paid()
    {
        var dueAt = T0.AddDays(30);
        var shipped = TestEvents.Replay(TestEvents.Created(T0, payLaterDueAt: dueAt), TestEvents.Of(OrderShipped, T0.AddDays(1)));

        Assert.Equal(Shipped, shipped.State);
        Assert.Equal(new PayLaterStatus(dueAt, Paid: false), shipped.PayLater);

        var paid = shipped.Apply(TestEvents.Of(PaymentSucceeded, T0.AddDays(20)));

        Assert.Equal(Shipped, paid.State);
        Assert.Equal(new PayLaterStatus(dueAt, Paid: true), paid.PayLater);
    }

    [Fact]
    public void An_ordinary_order_has_no_pay_later_status()
    {
        Assert.Null(TestEvents.Replay(TestEvents.Created(T0)).PayLater);
    }

    [Fact]
    public void A_failed_refund_stays_pending_until_completed()
    {
        var order = TestEvents.Replay(
            TestEvents.Created(T0),
            TestEvents.Of(PaymentSucceeded, T0.AddMinutes(1)),
            TestEvents.Of(RefundFailed, T0.AddDays(1)));

        Assert.Equal(RefundPending, order.State);
        Assert.Equal(T0.AddDays(1), order.RefundStartedAt);

        var requested = order.Apply(TestEvents.Of(RefundRequested, T0.AddHours(20)));
        Assert.Equal(T0.AddHours(20), requested.RefundStartedAt);
        Assert.Equal(Refunded, requested.Apply(TestEvents.Of(RefundCompleted, T0.AddDays(2))).State);
    }

    [Fact]
    public void The_newest_buyer_details_win_whatever_the_arrival_order()
    {
        var older = TestEvents.Created(T0, "evt_a", buyer: TestEvents.Buyer("+8613800000001"));
        var newer = TestEvents.Created(T0.AddHours(1), "evt_b", buyer: TestEvents.Buyer("+8613800000002"));

        var one = TestEvents.Replay(older, newer);
        var other = TestEvents.Replay(newer, older);

        Assert.Equal(one, other);
        Assert.Equal("+8613800000002", one.Buyer!.Phone);
        Assert.Equal(new EventStamp(T0.AddHours(1), "evt_b"), one.BuyerAsOf);
        Assert.Equal(T0, one.CreatedAt);
    }

    [Fact]
    public void Times_are_held_in_utc_so_offsets_do_not_split_equal_facts()
    {
        var china = TestEvents.Of(PaymentSucceeded, T0.ToOffset(TimeSpan.FromHours(8)), "evt_p1");
        var utc = TestEvents.Of(PaymentSucceeded, T0, "evt_p2");

        var one = TestEvents.Replay(china, utc);
        var other = TestEvents.Replay(utc, china);

        Assert.Equal(TimeSpan.Zero, one.PaidAt!.Value.Offset);
        Assert.Equal(one.PaidAt.Value.Offset, other.PaidAt!.Value.Offset);
    }

    [Fact]
    public void Payment_failures_are_a_set_by_event_id()
    {
        var first = TestEvents.Of(PaymentFailed, T0.AddMinutes(10), "evt_f1");
        var second = TestEvents.Of(PaymentFailed, T0.AddMinutes(5), "evt_f2");

        var order = TestEvents.Replay(first, second, first, second);

        Assert.Equal(["evt_f2", "evt_f1"], order.PaymentFailures.Select(f => f.EventId));
        Assert.Equal(PaymentFailureReasons.CardDeclined, order.PaymentFailures[0].Reason);
    }

    [Fact]
    public void Amounts_of_payment_events_do_not_replace_the_order_amount()
    {
        var refund = TestEvents.Of(RefundRequested, T0.AddDays(1)) with { Amount = new Money(5m, "CNY") };

        var order = TestEvents.Replay(TestEvents.Created(T0), refund);

        Assert.Equal(new Money(199.00m, "CNY"), order.Amount);
    }

    [Fact]
    public void An_order_round_trips_through_json()
    {
        var order = TestEvents.Replay(
            TestEvents.Created(T0, payLaterDueAt: T0.AddDays(30)),
            TestEvents.Of(PaymentFailed, T0.AddMinutes(1), "evt_f1") with { RetryUrl = "https://pay.example.com/r", PaymentId = "pay_1" },
            TestEvents.Of(OrderShipped, T0.AddDays(1)) with { MerchantId = "merchant_2" },
            TestEvents.Of(RefundFailed, T0.AddDays(2)));

        var back = System.Text.Json.JsonSerializer.Deserialize<Order>(System.Text.Json.JsonSerializer.Serialize(order));

        Assert.Equal(order, back);
        Assert.Equal(RefundPending, back!.State);
        Assert.Equal("merchant_2", back.MerchantId);
    }

    [Fact]
    public void An_event_of_another_order_is_refused()
    {
        var order = Order.New("ord_other");

        Assert.Throws<ArgumentException>(() => order.Apply(TestEvents.Created(T0)));
    }

    [Fact]
    public void State_precedence_ranks_every_state_once()
    {
        Assert.Equal(
            [PendingPayment, Paid, Shipped, Delivered, Cancelled, Completed, RefundPending, Refunded],
            Enum.GetValues<OrderState>().OrderBy(s => s.Rank()));
    }
}
