namespace Reminders.Core.Notifications;

/// <summary>A way to reach a buyer. Wire names are lower case: push, sms, email.</summary>
public enum Channel
{
    Push,
    Sms,
    Email,
}
