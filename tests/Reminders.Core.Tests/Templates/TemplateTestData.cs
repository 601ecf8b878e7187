using Reminders.Core.Notifications;
using Reminders.Core.Orders;
using Reminders.Core.Templates;

namespace Reminders.Core.Tests.Templates;

internal static class TemplateTestData
{
    public static readonly ReminderKind[] BuyerKinds =
        [ReminderKind.PaymentDue, ReminderKind.ConfirmReceipt, ReminderKind.PayLaterDue, ReminderKind.PaymentFailed, ReminderKind.RefundStalled];

    public static readonly ReminderKind[] MerchantKinds =
        [ReminderKind.SettlementMissing, ReminderKind.PaymentWindowExpired, ReminderKind.AutoConfirmDue, ReminderKind.RefundStalled];

    public static readonly string[] Locales = [TemplateLocales.ChineseSimplified, TemplateLocales.English];

    /// <summary>A typical order: an 18-digit order id, a short pay link, a four-character shop name.</summary>
    public static TemplateModel Typical(string locale) => new()
    {
        OrderId = "202603081234567890",
        MerchantName = locale == TemplateLocales.ChineseSimplified ? "小米商城" : "Acme Store",
        Amount = new Money(1299.00m, "CNY"),
        Link = "https://s.example.cn/p/Ab3dE9",
        DueAt = new DateTimeOffset(2026, 12, 28, 10, 0, 0, TimeSpan.Zero),
        TimeZoneId = "Asia/Shanghai",
        PaymentFailureCode = "authentication_required",
        RefundStatus = RefundStatus.Requested,
        BuyerLabel = "+86138****8000",
    };

    /// <summary>Every (kind, audience) pair that has a message.</summary>
    public static IEnumerable<(ReminderKind Kind, MessageAudience Audience)> Messages() =>
        BuyerKinds.Select(k => (k, MessageAudience.Buyer)).Concat(MerchantKinds.Select(k => (k, MessageAudience.Merchant)));

    public static TheoryData<ReminderKind, MessageAudience, string, Channel> AllCombinations()
    {
        var data = new TheoryData<ReminderKind, MessageAudience, string, Channel>();
        foreach (var (kind, audience) in Messages())
            foreach (var locale in Locales)
                foreach (var channel in Enum.GetValues<Channel>())
                    data.Add(kind, audience, locale, channel);
        return data;
    }
}
