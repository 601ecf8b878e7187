using Reminders.Core.Notifications;
using Reminders.Core.Orders;
using Reminders.Core.Templates;
using static Reminders.Core.Tests.Templates.TemplateTestData;

namespace Reminders.Core.Tests.Templates;

public sealed class SmsLengthTests
{
    public static TheoryData<ReminderKind, string, string> BuyerSmsVariants()
    {
        var data = new TheoryData<ReminderKind, string, string>();
        foreach (var locale in Locales)
        {
            data.Add(ReminderKind.PaymentDue, locale, "");
            data.Add(ReminderKind.ConfirmReceipt, locale, "");
            data.Add(ReminderKind.PayLaterDue, locale, "");
            foreach (var code in PaymentFailureReasons.Codes.Append("unknown"))
                data.Add(ReminderKind.PaymentFailed, locale, code);
            foreach (var status in Enum.GetValues<RefundStatus>())
                data.Add(ReminderKind.RefundStalled, locale, status.ToString());
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(BuyerSmsVariants))]
    public void Every_buyer_sms_fits_one_segment_with_a_typical_order(ReminderKind kind, string locale, string variant)
    {
        var model = Typical(locale) with
        {
            PaymentFailureCode = kind == ReminderKind.PaymentFailed ? variant : null,
            RefundStatus = kind == ReminderKind.RefundStalled ? Enum.Parse<RefundStatus>(variant) : null,
            // A date with two-digit month and day is the longest.
            DueAt = new DateTimeOffset(2026, 12, 28, 10, 0, 0, TimeSpan.Zero),
        };
        var text = ReminderTemplates.Render(kind, Channel.Sms, locale, model).Text;
        var measure = SmsLength.Measure(text);

        Assert.Equal(locale == TemplateLocales.ChineseSimplified ? SmsEncoding.Ucs2 : SmsEncoding.Gsm7, measure.Encoding);
        Assert.True(measure.Segments == 1, $"{measure.Units} units in \"{text}\"");
    }

    [Fact]
    public void Gsm7_fits_160_characters_in_one_segment_then_153_per_segment()
    {
        Assert.Equal(new SmsMeasure(SmsEncoding.Gsm7, 160, 1), SmsLength.Measure(new string('a', 160)));
        Assert.Equal(new SmsMeasure(SmsEncoding.Gsm7, 161, 2), SmsLength.Measure(new string('a', 161)));
        Assert.Equal(new SmsMeasure(SmsEncoding.Gsm7, 307, 3), SmsLength.Measure(new string('a', 307)));
    }

    [Fact]
    public void Gsm7_extension_characters_count_twice()
    {
        Assert.Equal(new SmsMeasure(SmsEncoding.Gsm7, 161, 2), SmsLength.Measure("€" + new string('a', 159)));
        Assert.Equal(SmsEncoding.Gsm7, SmsLength.Measure("£5 ¥5 $5 @home").Encoding);
    }

    [Fact]
    public void Chinese_text_is_ucs2_with_70_characters_in_one_segment_then_67()
    {
        Assert.Equal(new SmsMeasure(SmsEncoding.Ucs2, 70, 1), SmsLength.Measure(new string('付', 70)));
        Assert.Equal(new SmsMeasure(SmsEncoding.Ucs2, 71, 2), SmsLength.Measure(new string('付', 71)));
        Assert.Equal(new SmsMeasure(SmsEncoding.Ucs2, 135, 3), SmsLength.Measure(new string('付', 135)));
    }

    [Fact]
    public void One_character_outside_gsm7_turns_the_whole_text_into_ucs2()
    {
        var text = "It’s due" + new string('a', 70); // typographic apostrophe
        Assert.Equal(new SmsMeasure(SmsEncoding.Ucs2, 78, 2), SmsLength.Measure(text));
    }
}
