using Reminders.Core.Notifications;
using Reminders.Core.Throttling;

namespace Reminders.Core.Tests.Throttling;

internal static class ThrottleTestData
{
    public static readonly Dictionary<Channel, ContactStatus> AllContacts = new()
    {
        [Channel.Push] = ContactStatus.Available,
        [Channel.Sms] = ContactStatus.Available,
        [Channel.Email] = ContactStatus.Available,
    };

    public static ThrottleRequest Request(DateTimeOffset now, string? zone = "Asia/Shanghai", ReminderKind kind = ReminderKind.PaymentDue) => new()
    {
        ReminderId = "rem-order-1-payment_due-0",
        Kind = kind,
        Now = now,
        BuyerTimeZoneId = zone,
        Contacts = AllContacts,
    };

    /// <summary>A wall-clock time in a zone, as an instant (only for unambiguous times).</summary>
    public static DateTimeOffset Local(string zone, int year, int month, int day, int hour, int minute = 0, int second = 0)
    {
        var info = TimeZoneInfo.FindSystemTimeZoneById(zone);
        var wall = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified);
        return new DateTimeOffset(wall, info.GetUtcOffset(wall));
    }

    public static DateTimeOffset Utc(int year, int month, int day, int hour, int minute = 0, int second = 0) =>
        new(year, month, day, hour, minute, second, TimeSpan.Zero);

    public static ThrottleDecision.Defer AssertDefer(ThrottleDecision decision, string reason)
    {
        var defer = Assert.IsType<ThrottleDecision.Defer>(decision);
        Assert.Equal(reason, defer.Reason);
        return defer;
    }
}
