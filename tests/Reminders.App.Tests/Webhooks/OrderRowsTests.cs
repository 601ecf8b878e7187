using Reminders.App.Orders;
using Reminders.Core.Orders;

namespace Reminders.App.Tests.Webhooks;

/// <summary>The order row holds orders whose JSON outgrows one Table property, up to what one entity can hold.</summary>
public sealed class OrderRowsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);

    private static Order WithFailures(int count)
    {
        var order = Order.New("o-1");
        for (var i = 0; i < count; i++)
        {
            order = order.Apply(new OrderEvent($"msg_{i}_" + new string('i', 200), OrderEventType.PaymentFailed, T0.AddMinutes(i), "o-1")
            {
                FailureReason = new string('r', 200),
                RetryUrl = "https://pay.example.com/" + new string('u', 2000),
            });
        }
        return order;
    }

    [Fact]
    public void A_long_order_is_split_over_several_properties_and_read_back_whole()
    {
        var order = WithFailures(40);

        var entity = OrderRows.ToEntity(order, T0);

        Assert.NotNull(entity["Order2"]);
        Assert.All(entity.Keys.Where(k => k.StartsWith("Order", StringComparison.Ordinal)), k => Assert.True(entity.GetString(k)!.Length <= OrderRows.OrderPieceChars));
        Assert.Equal(order, OrderRows.ToOrder(entity));
    }

    [Fact]
    public void A_short_order_keeps_one_property()
    {
        var order = WithFailures(1);

        var entity = OrderRows.ToEntity(order, T0);

        Assert.Null(entity["Order1"]);
        Assert.Equal(order, OrderRows.ToOrder(entity));
    }

    [Fact]
    public void An_order_too_large_for_one_entity_is_refused_by_name()
    {
        var order = WithFailures(250);

        Assert.Throws<OrderTooLargeException>(() => OrderRows.ToEntity(order, T0));
    }
}
