namespace Reminders.Core.Orders;

/// <summary>
/// A field the sender got wrong. <see cref="Field"/> is the JSON path (<c>data.buyer.phone</c>), <c>body</c> for
/// the body as a whole or <c>webhook-id</c> for the header. The message never repeats the value, which may be a
/// buyer's contact detail.
/// </summary>
public sealed record FieldError(string Field, string Message);

/// <summary>What <see cref="OrderEventParser.Parse"/> made of a webhook: one of the three nested records.</summary>
public abstract record OrderEventParseResult
{
    private OrderEventParseResult() { }

    /// <summary>A valid event of a known type.</summary>
    public sealed record Accepted(OrderEvent Event) : OrderEventParseResult;

    /// <summary>
    /// A valid envelope whose type this service does not act on: acknowledge it and record it as ignored.
    /// <see cref="OrderId"/> is set when the body carried a valid <c>data.orderId</c>.
    /// </summary>
    public sealed record Ignored(string EventId, string Type, DateTimeOffset OccurredAt, string? OrderId) : OrderEventParseResult;

    /// <summary>The body or header is wrong: answer 400 naming each field.</summary>
    public sealed record Invalid(IReadOnlyList<FieldError> Errors) : OrderEventParseResult;
}
