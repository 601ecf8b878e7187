using System.Text.Json.Serialization;

namespace Reminders.App.Webhooks;

/// <summary>
/// The 200 answer to a webhook: <c>applied</c> (with the order's new state), <c>duplicate</c> (already stored) or
/// <c>ignored</c> (a type this service does not act on, with why).
/// </summary>
public sealed record WebhookAnswer(
    string Status,
    string? OrderId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? State = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Detail = null)
{
    public static WebhookAnswer Applied(string orderId, string state) => new("applied", orderId, State: state);

    public static WebhookAnswer Duplicate(string orderId) => new("duplicate", orderId);

    public static WebhookAnswer Ignored(string? orderId, string type) =>
        new("ignored", orderId, Detail: $"Event type '{type}' is not one this service acts on; it was recorded and acknowledged.");
}
