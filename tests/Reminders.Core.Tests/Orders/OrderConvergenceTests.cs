using System.Text.Json;
using Reminders.Core.Orders;
using Reminders.Core.Planning;
using Reminders.Core.Settings;
using Reminders.TestSupport;
using static Reminders.Core.Orders.OrderEventType;

namespace Reminders.Core.Tests.Orders;

/// <summary>
/// Property: whatever order the events of one order arrive in, and however often each arrives, the order
/// converges to the same facts, state and plan, and its state never moves down the precedence on the way.
/// </summary>
public sealed class OrderConvergenceTests
{
    private const int Seeds = 500;
    private const int ArrivalsPerSeed = 6;
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<int> SeedBatches() => new(Enumerable.Range(0, 10));

    [Theory]
    [MemberData(nameof(SeedBatches))]
    public void Any_arrival_order_with_duplicates_converges_and_never_moves_backwards(int batch)
    {
        var settings = new ReminderSettings();
        for (var seed = batch * (Seeds / 10); seed < (batch + 1) * (Seeds / 10); seed++)
        {
            var random = new Random(seed);
            var events = History(random);
            var reference = TestEvents.Replay([.. events]);
            var referenceJson = JsonSerializer.Serialize(reference);
            var referencePlan = ReminderPlanner.Plan(reference, settings);

            for (var arrival = 0; arrival < ArrivalsPerSeed; arrival++)
            {
                var order = Order.New(TestEvents.OrderId);
                foreach (var e in Arrivals(events, random))
                {
                    var next = order.Apply(e);
                    Assert.True(next.State.Rank() >= order.State.Rank(),
                        $"seed {seed}: {order.State} -> {next.State} on {e.Type.ToWire()}");
                    order = next;
                }

                Assert.True(reference.Equals(order), $"seed {seed}, arrival {arrival}: orders differ");
                Assert.Equal(reference.State, order.State);
                Assert.Equal(referenceJson, JsonSerializer.Serialize(order));
                Assert.Equal(referencePlan, ReminderPlanner.Plan(order, settings));
            }
        }
    }

    [Fact]
    public void Different_histories_give_different_orders()
    {
        // Guards the property above against an Equals that sees no difference.
        var distinct = Enumerable.Range(0, 50)
            .Select(seed => TestEvents.Replay([.. History(new Random(seed))]))
            .ToList();

        for (var i = 0; i < distinct.Count; i++)
        {
            for (var j = i + 1; j < distinct.Count; j++)
            {
                var sameJson = JsonSerializer.Serialize(distinct[i]) == JsonSerializer.Serialize(distinct[j]);
                Assert.Equal(sameJson, distinct[i].Equals(distinct[j]));
            }
        }
        Assert.Contains(distinct, o => !o.Equals(distinct[0]));
    }

    /// <summary>A random history: each event has its own id; some facts are reported twice by different events.</summary>
    private static List<OrderEvent> History(Random random)
    {
        var events = new List<OrderEvent>();
        var n = 0;
        DateTimeOffset At() => T0.AddMinutes(random.Next(0, 60 * 24 * 10));
        string Id() => $"evt_{n++:D3}_{random.Next(1000)}";

        DateTimeOffset? payLaterDueAt = random.Next(3) == 0 ? T0.AddDays(random.Next(5, 30)) : null;
        for (var i = random.Next(1, 3); i > 0; i--)
        {
            var buyer = TestEvents.Buyer("+86138" + random.Next(10_000_000, 99_999_999));
            events.Add(TestEvents.Created(At(), Id(), payLaterDueAt?.AddDays(i), buyer) with
            {
                Amount = new Money(random.Next(1, 100_000) / 100m, "CNY"),
            });
        }

        foreach (var type in new[] { OrderShipped, OrderDelivered, OrderReceiptConfirmed, OrderCancelled, PaymentSucceeded,
                     RefundRequested, RefundCompleted, RefundFailed, SettlementCompleted })
        {
            var copies = random.Next(4) switch { 0 or 1 => 0, 2 => 1, _ => 2 };
            for (var i = 0; i < copies; i++)
            {
                var e = TestEvents.Of(type, At(), Id());
                if (random.Next(3) == 0) e = e with { MerchantId = "merchant_" + random.Next(3) };
                events.Add(e);
            }
        }

        for (var i = random.Next(0, 4); i > 0; i--)
        {
            events.Add(TestEvents.Of(PaymentFailed, At(), Id()) with
            {
                FailureReason = PaymentFailureReasons.Codes[random.Next(PaymentFailureReasons.Codes.Count)],
                RetryUrl = "https://pay.example.com/retry/" + i,
            });
        }
        return events;
    }

    /// <summary>A random permutation with random duplicates mixed in.</summary>
    private static List<OrderEvent> Arrivals(List<OrderEvent> events, Random random)
    {
        var arrivals = new List<OrderEvent>(events);
        foreach (var e in events)
        {
            for (var copies = random.Next(3); copies > 0; copies--) arrivals.Add(e);
        }
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(arrivals));
        return arrivals;
    }
}
