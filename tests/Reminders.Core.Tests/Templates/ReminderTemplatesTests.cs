using Reminders.Core.Notifications;
using Reminders.Core.Orders;
using Reminders.Core.Templates;
using static Reminders.Core.Tests.Templates.TemplateTestData;

namespace Reminders.Core.Tests.Templates;

public sealed class ReminderTemplatesTests
{
    public static TheoryData<ReminderKind, MessageAudience, string, Channel> Combinations => AllCombinations();

    [Theory]
    [MemberData(nameof(Combinations))]
    public void Every_message_renders_in_every_locale_and_channel(ReminderKind kind, MessageAudience audience, string locale, Channel channel)
    {
        var model = Typical(locale) with { Audience = audience };
        var message = ReminderTemplates.Render(kind, channel, locale, model);

        Assert.Equal(locale, message.Locale);
        Assert.False(string.IsNullOrWhiteSpace(message.Subject));
        Assert.False(string.IsNullOrWhiteSpace(message.Text));
        Assert.DoesNotContain("{", message.Text, StringComparison.Ordinal);
        Assert.Equal(channel == Channel.Email, message.Html is not null);
        if (locale == TemplateLocales.ChineseSimplified)
            Assert.Contains(message.Text, c => c >= '\u4e00' && c <= '\u9fff');
        else
            Assert.All(message.Text, c => Assert.True(c < 128 || c == '¥', $"unexpected character '{c}' in English text"));
        if (channel != Channel.Push)
            Assert.Contains(model.Link!, message.Text, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void Buyer_sms_ends_with_the_opt_out_wording_and_merchant_messages_do_not(ReminderKind kind, MessageAudience audience, string locale, Channel channel)
    {
        var text = ReminderTemplates.Render(kind, channel, locale, Typical(locale) with { Audience = audience }).Text;
        var optOut = locale == TemplateLocales.ChineseSimplified ? "回TD退订" : "Reply STOP to opt out";
        Assert.Equal(channel == Channel.Sms && audience == MessageAudience.Buyer, text.EndsWith(optOut, StringComparison.Ordinal));
    }

    [Fact]
    public void Payment_due_reads_as_expected_in_both_locales()
    {
        var zh = ReminderTemplates.Render(ReminderKind.PaymentDue, Channel.Sms, "zh-CN", Typical("zh-CN"));
        Assert.Equal("【小米商城】订单尾号7890待付款¥1,299.00，请付款 https://s.example.cn/p/Ab3dE9 回TD退订", zh.Text);

        var en = ReminderTemplates.Render(ReminderKind.PaymentDue, Channel.Email, "en", Typical("en"));
        Assert.Equal("Order 202603081234567890 is awaiting payment", en.Subject);
        Assert.Equal(
            "Your order 202603081234567890 at Acme Store is not paid yet. Amount due: CNY 1,299.00.\n\n" +
            "Please pay by 28 Dec 18:00; after that the order is cancelled.\n\n" +
            "Pay now: https://s.example.cn/p/Ab3dE9\n\n" +
            "Sent on behalf of Acme Store. You can turn these reminders off in your account settings.\n",
            en.Text);
    }

    [Theory]
    [InlineData("Asia/Shanghai", "zh-CN", "12月28日 18:00")]
    [InlineData("America/Los_Angeles", "en", "28 Dec 02:00")]
    [InlineData("Pacific/Auckland", "en", "28 Dec 23:00")]
    [InlineData("Asia/Kolkata", "zh-CN", "12月28日 15:30")]
    [InlineData(null, "en", "28 Dec 10:00 UTC")]
    public void The_due_time_is_shown_in_the_buyers_zone(string? zone, string locale, string shown)
    {
        var model = Typical(locale) with { TimeZoneId = zone };
        var message = ReminderTemplates.Render(ReminderKind.PayLaterDue, Channel.Email, locale, model);
        Assert.Contains(shown, message.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fr-FR", "zh-CN", "zh-CN")]
    [InlineData("fr-FR", null, "en")]
    [InlineData(null, "zh-CN", "zh-CN")]
    [InlineData("", "de", "en")]
    [InlineData("zh_CN", "en", "zh-CN")]
    [InlineData("zh-Hans-CN", "en", "zh-CN")]
    [InlineData("zh", "en", "zh-CN")]
    [InlineData("zh-TW", "en", "en")]
    [InlineData("en-GB", "zh-CN", "en")]
    [InlineData("EN", null, "en")]
    public void A_missing_locale_falls_back_to_the_merchants_then_english(string? buyer, string? merchant, string used)
    {
        var message = ReminderTemplates.Render(ReminderKind.ConfirmReceipt, Channel.Push, buyer, Typical("en"), merchant);
        Assert.Equal(used, message.Locale);
    }

    [Theory]
    [InlineData("zh-CN", "CNY", "199", "¥199.00")]
    [InlineData("en", "CNY", "199", "CNY 199.00")]
    [InlineData("en", "cny", "1234567.5", "CNY 1,234,567.50")]
    [InlineData("zh-CN", "USD", "19.9", "US$19.90")]
    [InlineData("en", "USD", "19.9", "US$19.90")]
    [InlineData("en", "JPY", "1500", "JP¥1,500")]
    [InlineData("en", "KWD", "2.5", "KWD 2.500")]
    [InlineData("zh-CN", "SGD", "10", "SGD 10.00")]
    public void Amounts_are_formatted_for_the_locale(string locale, string currency, string value, string shown)
    {
        Assert.Equal(shown, ValueFormatting.Amount(new Money(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture), currency), locale));
    }

    [Theory]
    [InlineData("insufficient_funds", "enough funds", "余额不足")]
    [InlineData("card_declined", "declined", "拒绝")]
    [InlineData("expired_card", "expired", "过期")]
    [InlineData("authentication_required", "confirm", "验证")]
    [InlineData("processing_error", "temporary", "临时故障")]
    [InlineData("unknown", "did not go through", "付款未成功")]
    [InlineData("something_new", "did not go through", "付款未成功")]
    [InlineData(null, "did not go through", "付款未成功")]
    public void Payment_failure_reasons_read_as_plain_words_with_a_next_step(string? code, string english, string chinese)
    {
        var en = ReminderTemplates.Render(ReminderKind.PaymentFailed, Channel.Email, "en", Typical("en") with { PaymentFailureCode = code });
        var zh = ReminderTemplates.Render(ReminderKind.PaymentFailed, Channel.Sms, "zh-CN", Typical("zh-CN") with { PaymentFailureCode = code });
        Assert.Contains(english, en.Text, StringComparison.Ordinal);
        Assert.Contains(PaymentFailureWording.Describe(code, "en").NextStep, en.Text, StringComparison.Ordinal);
        Assert.Contains(chinese, zh.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_known_failure_code_has_its_own_words()
    {
        var words = PaymentFailureReasons.Codes.Append("unknown").Select(code => PaymentFailureWording.Describe(code, "zh-CN")).ToList();
        Assert.Equal(words.Count, words.Distinct().Count());
        Assert.All(words, w => Assert.False(string.IsNullOrWhiteSpace(w.NextStep)));
    }

    [Fact]
    public void Each_refund_status_reads_differently_to_the_buyer()
    {
        foreach (var locale in Locales)
        {
            var texts = Enum.GetValues<RefundStatus>()
                .Select(status => ReminderTemplates.Render(ReminderKind.RefundStalled, Channel.Email, locale, Typical(locale) with { RefundStatus = status }).Text)
                .ToList();
            Assert.Equal(texts.Count, texts.Distinct().Count());
        }
    }

    [Fact]
    public void Email_html_encodes_every_value()
    {
        var model = Typical("en") with
        {
            OrderId = "<script>alert(1)</script>",
            MerchantName = "Tom & Jerry's <b>Shop</b>",
            Link = "https://shop.example/pay?o=1&t=\"x\"",
        };
        var html = ReminderTemplates.Render(ReminderKind.PaymentDue, Channel.Email, "en", model).Html!;

        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("Tom &amp; Jerry&#39;s &lt;b&gt;Shop&lt;/b&gt;", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://shop.example/pay?o=1&amp;t=&quot;x&quot;\"", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("data:text/html,hi")]
    [InlineData("/relative/pay")]
    [InlineData("https://shop.example/pay now")]
    [InlineData("https://user:pw@shop.example/pay")]
    public void Links_that_are_not_absolute_http_without_user_information_are_left_out(string link)
    {
        foreach (var channel in Enum.GetValues<Channel>())
        {
            var message = ReminderTemplates.Render(ReminderKind.PaymentDue, channel, "en", Typical("en") with { Link = link });
            Assert.DoesNotContain(link, message.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("pw@", message.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("href", message.Html ?? "", StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void Merchant_alerts_carry_the_masked_buyer_label_and_never_a_whole_contact(ReminderKind kind, MessageAudience audience, string locale, Channel channel)
    {
        if (audience != MessageAudience.Merchant || channel != Channel.Email) return;
        var masked = ContactMasking.MaskPhone("+8613800138000");
        var message = ReminderTemplates.Render(kind, channel, locale, Typical(locale) with { Audience = audience, BuyerLabel = masked });
        Assert.Contains(masked, message.Text, StringComparison.Ordinal);
        Assert.Contains(masked, message.Html!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("+8613800138000", "+86138****8000", "13800138000")]
    [InlineData("Li Lei +86 138-0013-8000", "+86138****8000", "0013")]
    [InlineData("alice@example.com", "a***@example.com", "alice")]
    public void A_whole_contact_passed_as_the_buyer_label_is_masked_anyway(string label, string shown, string hidden)
    {
        foreach (var kind in MerchantKinds)
            foreach (var channel in Enum.GetValues<Channel>())
            {
                var message = ReminderTemplates.Render(kind, channel, "en", Typical("en") with { Audience = MessageAudience.Merchant, BuyerLabel = label });
                var all = message.Subject + message.Text + message.Html;
                Assert.DoesNotContain(hidden, all, StringComparison.Ordinal);
                if (channel == Channel.Email) Assert.Contains(shown, message.Text, StringComparison.Ordinal);
            }
    }

    [Theory]
    [InlineData(ReminderKind.PaymentDue, MessageAudience.Merchant)]
    [InlineData(ReminderKind.PaymentFailed, MessageAudience.Merchant)]
    [InlineData(ReminderKind.SettlementMissing, MessageAudience.Buyer)]
    [InlineData(ReminderKind.AutoConfirmDue, MessageAudience.Buyer)]
    public void A_message_for_a_reader_the_kind_does_not_have_is_refused(ReminderKind kind, MessageAudience audience)
    {
        Assert.Throws<ArgumentException>(() => ReminderTemplates.Render(kind, Channel.Email, "en", Typical("en") with { Audience = audience }));
    }

    [Theory]
    [InlineData(ReminderKind.SettlementMissing, MessageAudience.Merchant)]
    [InlineData(ReminderKind.PaymentWindowExpired, MessageAudience.Merchant)]
    [InlineData(ReminderKind.AutoConfirmDue, MessageAudience.Merchant)]
    [InlineData(ReminderKind.RefundStalled, MessageAudience.Buyer)]
    [InlineData(ReminderKind.PaymentDue, MessageAudience.Buyer)]
    public void Without_an_audience_each_kind_goes_to_its_usual_reader(ReminderKind kind, MessageAudience expected)
    {
        Assert.Equal(expected, ReminderTemplates.AudienceFor(kind));
    }

    [Fact]
    public void Messages_without_a_due_time_or_link_still_read_whole()
    {
        foreach (var (kind, audience) in Messages())
            foreach (var locale in Locales)
                foreach (var channel in Enum.GetValues<Channel>())
                {
                    var model = Typical(locale) with { Audience = audience, DueAt = null, Link = null };
                    var message = ReminderTemplates.Render(kind, channel, locale, model);
                    Assert.DoesNotContain("http", message.Text, StringComparison.Ordinal);
                    Assert.DoesNotContain("  ", message.Text, StringComparison.Ordinal);
                    Assert.DoesNotContain("()", message.Text, StringComparison.Ordinal);
                    Assert.DoesNotContain("（）", message.Text, StringComparison.Ordinal);
                }
    }
}
