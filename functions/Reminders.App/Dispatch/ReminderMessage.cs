using System.Text.Json;

namespace Reminders.App.Dispatch;

/// <summary>
/// What goes on a channel queue: which reminder to send, and the claim it belongs to. No contact details:
/// the sender reads them from the order right before sending. A message whose attempt no longer matches the
/// reminder row is a stale copy and is dropped. <see cref="Retry"/> counts the delayed tries of this attempt
/// (<see cref="Delivery.QueueRetry"/>).
/// </summary>
public sealed record ReminderMessage(string OrderId, string ReminderId, int Attempt, int Retry = 0)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ReminderMessage? TryParse(string text)
    {
        try
        {
            var message = JsonSerializer.Deserialize<ReminderMessage>(text, Json);
            return message is { OrderId.Length: > 0, ReminderId.Length: > 0 } ? message : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
